/*
 * probe:    tc_setup_cb_add
 * upstream: commit 401192113730 "net: sched: refactor block offloads counter usage" (v5.4)
 * api:      - tc_setup_cb_call() and the classifier's own offload counters
 *           + tc_setup_cb_add(), tc_setup_cb_replace(), tc_setup_cb_destroy()
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_offload_cmd()
 */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, struct tcf_proto *tp, void *d, u32 *f,
	  unsigned int *c)
{
	return tc_setup_cb_add(b, tp, TC_SETUP_CLSBPF, d, false, f, c, true) +
	       tc_setup_cb_replace(b, tp, TC_SETUP_CLSBPF, d, false, f, c, f,
				   c, true) +
	       tc_setup_cb_destroy(b, tp, TC_SETUP_CLSBPF, d, false, f, c, true);
}
