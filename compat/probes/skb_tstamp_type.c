/*
 * probe:    skb_tstamp_type
 * upstream: commit 4d25ca2d6801 "net: Rename mono_delivery_time to tstamp_type for scalabilty" (v6.11)
 * api:      - sk_buff.mono_delivery_time
 *           + sk_buff.tstamp_type, SKB_CLOCK_REALTIME
 * required: no
 * consumer: cbpf_skb_tstamp_fixup() in compat/cbpf_compat.h
 */
#include <linux/skbuff.h>

void probe(struct sk_buff *skb)
{
	skb->tstamp_type = SKB_CLOCK_REALTIME;
}
