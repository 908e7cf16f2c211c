/* nla_nest_start_noflag(): v5.2 "netlink: make nla_nest_start() add NLA_F_NESTED" */
#include <net/netlink.h>

struct nlattr *probe(struct sk_buff *skb)
{
	return nla_nest_start_noflag(skb, 1);
}
