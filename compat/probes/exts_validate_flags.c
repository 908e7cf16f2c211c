/* tcf_exts_validate(..., u32 flags, extack): v5.14 "net_sched: refactor TC action init API" */
#include <net/pkt_cls.h>

int probe(struct net *net, struct tcf_proto *tp, struct nlattr **tb,
	  struct nlattr *rate_tlv, struct tcf_exts *exts, u32 flags,
	  struct netlink_ext_ack *extack)
{
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, flags, extack);
}
