/* sk_buff.tstamp_type and SKB_CLOCK_REALTIME: v6.11 "net: Rename mono_delivery_time to tstamp_type for scalabilty" */
#include <linux/skbuff.h>

void probe(struct sk_buff *skb)
{
	skb->tstamp_type = SKB_CLOCK_REALTIME;
}
