/* tcf_proto_ops.dump takes bool rtnl_held: v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/sch_generic.h>

static int probe_dump(struct net *net, struct tcf_proto *tp, void *fh,
		      struct sk_buff *skb, struct tcmsg *tm, bool rtnl_held)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .dump = probe_dump };
