/*
 * probe:    tc_skb_cb
 * upstream: commit ec624fe740b4 "net/sched: Extend qdisc control block with tc control block" (v5.16)
 * api:      - qdisc_skb_cb ends before bpf_skb_data_end's data pointers
 *           + struct tc_skb_cb *tc_skb_cb(const struct sk_buff *skb), overlapping them
 * required: no
 * consumer: bpf_prog_run_data_pointers() fallback in compat/cbpf_compat.h
 */
#include <net/pkt_sched.h>

struct tc_skb_cb *probe(struct sk_buff *skb)
{
	return tc_skb_cb(skb);
}
