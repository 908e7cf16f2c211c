/*
 * probe:    bpf_prog_run_fn
 * upstream: commit fb7dd8bca013 "bpf: Refactor BPF_PROG_RUN into a function" (v5.15)
 * api:      - BPF_PROG_RUN(prog, ctx) macro
 *           + u32 bpf_prog_run(const struct bpf_prog *prog, const void *ctx)
 * required: no
 * consumer: bpf_prog_run_data_pointers() fallback in compat/cbpf_compat.h
 */
#include <linux/filter.h>

int probe(const struct bpf_prog *p, struct sk_buff *skb)
{
	return bpf_prog_run(p, skb);
}
