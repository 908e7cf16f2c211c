/*
 * probe:    tc_setup_cb_reoffload
 * upstream: commit 401192113730 "net: sched: refactor block offloads counter usage" (v5.4)
 * api:      - cb() called directly with the classifier's counters
 *           + tc_setup_cb_reoffload(block, tp, add, cb, type, data, cb_priv, flags, in_hw_count)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_reoffload_prog()
 */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, struct tcf_proto *tp, flow_setup_cb_t *cb,
	  void *d, void *priv, u32 *f, unsigned int *c)
{
	return tc_setup_cb_reoffload(b, tp, true, cb, TC_SETUP_CLSBPF, d, priv,
				     f, c);
}
