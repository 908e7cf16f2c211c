/*
 * probe:    exts_validate_flags
 * upstream: commit 695176bfe5de "net_sched: refactor TC action init API" (v5.14, release unconfirmed)
 * api:      - tcf_exts_validate(net, tp, tb, rate_tlv, exts, bool ovr, bool rtnl_held, extack)
 *           + tcf_exts_validate(net, tp, tb, rate_tlv, exts, u32 flags, extack)
 * required: one of tcf_exts_validate()
 * consumer: src/cls_bpf.c cls_bpf_change() (upstream's call)
 */
#include <net/pkt_cls.h>

int probe(struct net *net, struct tcf_proto *tp, struct nlattr **tb,
	  struct nlattr *rate_tlv, struct tcf_exts *exts, u32 flags,
	  struct netlink_ext_ack *extack)
{
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, flags, extack);
}
