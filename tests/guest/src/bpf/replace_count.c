// SPDX-License-Identifier: GPL-2.0
/*
 * Counters for the replace-under-traffic test (functional/54): two programs
 * that take turns as one filter and a witness filter behind them, all
 * counting into one array map and returning TC_ACT_UNSPEC so that every
 * packet runs on to the witness.  Unlike the other objects here it has a
 * map and three programs: only tc_client (libbpf) loads it, and tc attaches
 * the pinned programs ("bpf pinned PATH da").
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum { SLOT_A, SLOT_B, SLOT_ALL, SLOTS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int count_a(struct __sk_buff *skb)
{
	return count(SLOT_A);
}

SEC("tc")
int count_b(struct __sk_buff *skb)
{
	return count(SLOT_B);
}

SEC("tc")
int count_all(struct __sk_buff *skb)
{
	return count(SLOT_ALL);
}

char _license[] SEC("license") = "GPL";
