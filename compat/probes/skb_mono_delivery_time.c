/* sk_buff.mono_delivery_time: v5.18 "net: Add skb->mono_delivery_time to distinguish mono delivery_time from (rcv) timestamp" */
#include <linux/skbuff.h>

void probe(struct sk_buff *skb)
{
	skb->mono_delivery_time = 0;
}
