/* tcf_proto_ops.change takes bool ovr, bool rtnl_held: v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/sch_generic.h>

static int probe_change(struct net *net, struct sk_buff *in_skb,
			struct tcf_proto *tp, unsigned long base, u32 handle,
			struct nlattr **tca, void **arg, bool ovr,
			bool rtnl_held, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .change = probe_change };
