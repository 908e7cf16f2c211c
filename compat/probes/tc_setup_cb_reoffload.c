/* tc_setup_cb_reoffload(): "net: sched: refactor block offloads counter usage" (v5.4) */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, struct tcf_proto *tp, flow_setup_cb_t *cb,
	  void *d, void *priv, u32 *f, unsigned int *c)
{
	return tc_setup_cb_reoffload(b, tp, true, cb, TC_SETUP_CLSBPF, d, priv,
				     f, c);
}
