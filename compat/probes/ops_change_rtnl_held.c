/*
 * probe:    ops_change_rtnl_held
 * upstream: commit 12db03b65c2b "net: sched: extend proto ops to support unlocked classifiers" (v5.1)
 * api:      - change(..., void **arg, bool ovr, extack)
 *           + change(..., void **arg, bool ovr, bool rtnl_held, extack)
 * required: one of tcf_proto_ops.change
 * consumer: cls_bpf_change() adapter in compat/cbpf_compat.h
 */
#include <net/sch_generic.h>

static int probe_change(struct net *net, struct sk_buff *in_skb,
			struct tcf_proto *tp, unsigned long base, u32 handle,
			struct nlattr **tca, void **arg, bool ovr,
			bool rtnl_held, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .change = probe_change };
