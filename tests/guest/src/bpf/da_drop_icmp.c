// SPDX-License-Identifier: GPL-2.0
/*
 * direct-action: parse the Ethernet and IPv4 headers from skb->data and
 * drop IPv4 ICMP only.  On ingress this only works when cls_bpf pushed the
 * MAC header back before running the program.
 */
#include "common.h"

TEST_PROG(da_drop_icmp)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (iph->protocol != IPPROTO_ICMP)
		return TC_ACT_OK;
	return TC_ACT_SHOT;
}

TEST_LICENSE;
