/* bpf_offload_dev_match(): v4.16 "bpf: offload: allow program and map sharing per-ASIC" */
#include <linux/bpf.h>
#include <linux/netdevice.h>

bool probe(struct bpf_prog *p, struct net_device *dev)
{
	return bpf_offload_dev_match(p, dev);
}
