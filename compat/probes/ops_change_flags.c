/*
 * probe:    ops_change_flags
 * upstream: commit 695176bfe5de "net_sched: refactor TC action init API" (v5.14, release unconfirmed)
 * api:      - change(..., void **arg, bool ovr, bool rtnl_held, extack)
 *           + change(..., void **arg, u32 flags, extack)
 * required: one of tcf_proto_ops.change
 * consumer: src/cls_bpf.c cls_bpf_change() (upstream's prototype)
 */
#include <net/sch_generic.h>

static int probe_change(struct net *net, struct sk_buff *in_skb,
			struct tcf_proto *tp, unsigned long base, u32 handle,
			struct nlattr **tca, void **arg, u32 flags,
			struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .change = probe_change };
