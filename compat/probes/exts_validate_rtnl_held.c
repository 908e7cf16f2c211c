/*
 * probe:    exts_validate_rtnl_held
 * upstream: commit id unconfirmed, "unlocked-classifier series (Vlad Buslov)" (v5.1)
 * api:      - tcf_exts_validate(net, tp, tb, rate_tlv, exts, bool ovr, extack)
 *           + tcf_exts_validate(net, tp, tb, rate_tlv, exts, bool ovr, bool rtnl_held, extack)
 * required: one of tcf_exts_validate()
 * consumer: tcf_exts_validate() macro in compat/cbpf_compat.h
 */
#include <net/pkt_cls.h>

int probe(struct net *net, struct tcf_proto *tp, struct nlattr **tb,
	  struct nlattr *rate_tlv, struct tcf_exts *exts, bool ovr,
	  struct netlink_ext_ack *extack)
{
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, ovr, true, extack);
}
