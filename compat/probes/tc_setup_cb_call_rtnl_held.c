/* tc_setup_cb_call(block, type, data, err_stop, rtnl_held): "net: sched: refactor block offloads counter usage" (v5.4) */
#include <net/pkt_cls.h>

int probe(struct tcf_block *b, void *d)
{
	return tc_setup_cb_call(b, TC_SETUP_CLSBPF, d, false, true);
}
