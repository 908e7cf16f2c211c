/* bpf_prog_run() is a function: v5.15 "bpf: refactor BPF_PROG_RUN into a function" */
#include <linux/filter.h>

int probe(const struct bpf_prog *p, struct sk_buff *skb)
{
	return bpf_prog_run(p, skb);
}
