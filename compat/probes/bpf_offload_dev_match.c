/*
 * probe:    bpf_offload_dev_match
 * upstream: commit id unconfirmed, "bpf: offload: allow program and map sharing per-ASIC" (v4.16)
 * api:      - none (netdev compared by hand)
 *           + bool bpf_offload_dev_match(struct bpf_prog *prog, struct net_device *netdev)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_prog_from_efd() (dev-bound program check)
 */
#include <linux/bpf.h>
#include <linux/netdevice.h>

bool probe(struct bpf_prog *p, struct net_device *dev)
{
	return bpf_offload_dev_match(p, dev);
}
