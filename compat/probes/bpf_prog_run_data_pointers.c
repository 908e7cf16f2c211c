/*
 * probe:    bpf_prog_run_data_pointers
 * upstream: commit 4ef927436258 "bpf: Add bpf_prog_run_data_pointers()" (v6.18; 6.1.y, 6.12.y stable)
 * api:      - bpf_compute_data_pointers(skb); bpf_prog_run(prog, skb)
 *           + u32 bpf_prog_run_data_pointers(const struct bpf_prog *prog, struct sk_buff *skb)
 * required: no
 * consumer: bpf_prog_run_data_pointers() fallback in compat/cbpf_compat.h
 */
#include <linux/filter.h>

int probe(const struct bpf_prog *p, struct sk_buff *skb)
{
	return bpf_prog_run_data_pointers(p, skb);
}
