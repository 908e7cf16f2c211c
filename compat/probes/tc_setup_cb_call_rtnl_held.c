/*
 * probe:    tc_setup_cb_call_rtnl_held
 * upstream: commit 401192113730 "net: sched: refactor block offloads counter usage" (v5.4)
 * api:      - tc_setup_cb_call(block, type, data, err_stop)
 *           + tc_setup_cb_call(block, type, data, err_stop, bool rtnl_held)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_offload_update_stats()
 */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, void *d)
{
	return tc_setup_cb_call(b, TC_SETUP_CLSBPF, d, false, true);
}
