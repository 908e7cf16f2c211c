/* tcf_exts_validate(..., bool ovr, bool rtnl_held, extack): v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/pkt_cls.h>

int probe(struct net *net, struct tcf_proto *tp, struct nlattr **tb,
	  struct nlattr *rate_tlv, struct tcf_exts *exts, bool ovr,
	  struct netlink_ext_ack *extack)
{
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, ovr, true, extack);
}
