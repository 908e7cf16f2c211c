/*
 * probe:    tcf_block_netif_keep_dst
 * upstream: commit id unconfirmed, "net: sched: introduce shared filter blocks infrastructure" (v4.16)
 * api:      - netif_keep_dst(qdisc_dev(tp->q))
 *           + void tcf_block_netif_keep_dst(struct tcf_block *block)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_prog_from_efd() (programs that use the dst)
 */
#include <net/pkt_cls.h>

void probe(struct tcf_block *b)
{
	tcf_block_netif_keep_dst(b);
}
