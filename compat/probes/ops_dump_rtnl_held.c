/*
 * probe:    ops_dump_rtnl_held
 * upstream: commit 12db03b65c2b "net: sched: extend proto ops to support unlocked classifiers" (v5.1)
 * api:      - dump(net, tp, fh, skb, tm)
 *           + dump(net, tp, fh, skb, tm, bool rtnl_held)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_dump()
 */
#include <net/sch_generic.h>

static int probe_dump(struct net *net, struct tcf_proto *tp, void *fh,
		      struct sk_buff *skb, struct tcmsg *tm, bool rtnl_held)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .dump = probe_dump };
