/* tcf_block_netif_keep_dst(): v4.16 shared-block series "net: sched: introduce shared filter blocks infrastructure" */
#include <net/pkt_cls.h>

void probe(struct tcf_block *b)
{
	tcf_block_netif_keep_dst(b);
}
