/* tcf_proto_ops.change takes u32 flags: v5.14 "net_sched: refactor TC action init API" */
#include <net/sch_generic.h>

static int probe_change(struct net *net, struct sk_buff *in_skb,
			struct tcf_proto *tp, unsigned long base, u32 handle,
			struct nlattr **tca, void **arg, u32 flags,
			struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .change = probe_change };
