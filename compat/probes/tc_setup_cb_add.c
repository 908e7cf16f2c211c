/* tc_setup_cb_add/replace/destroy own the offload counters: "net: sched: refactor block offloads counter usage" (v5.4) */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, struct tcf_proto *tp, void *d, u32 *f,
	  unsigned int *c)
{
	return tc_setup_cb_add(b, tp, TC_SETUP_CLSBPF, d, false, f, c, true) +
	       tc_setup_cb_replace(b, tp, TC_SETUP_CLSBPF, d, false, f, c, f,
				   c, true) +
	       tc_setup_cb_destroy(b, tp, TC_SETUP_CLSBPF, d, false, f, c, true);
}
