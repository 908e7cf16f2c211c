/*
 * probe:    skb_mono_delivery_time
 * upstream: commit a1ac9c8acec1 "net: Add skb->mono_delivery_time to distinguish mono delivery_time from (rcv) timestamp" (v5.18)
 * api:      - no delivery-time flag
 *           + sk_buff.mono_delivery_time
 * required: no
 * consumer: cbpf_skb_tstamp_fixup() in compat/cbpf_compat.h
 */
#include <linux/skbuff.h>

void probe(struct sk_buff *skb)
{
	skb->mono_delivery_time = 0;
}
