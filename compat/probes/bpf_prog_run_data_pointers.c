/* bpf_prog_run_data_pointers(): "bpf: add bpf_prog_run_data_pointers()" (Eric Dumazet, 2025) */
#include <linux/filter.h>

int probe(const struct bpf_prog *p, struct sk_buff *skb)
{
	return bpf_prog_run_data_pointers(p, skb);
}
