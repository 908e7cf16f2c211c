// SPDX-License-Identifier: GPL-2.0
/* Minimal tc classifier for the netdevsim offload tests: verifiable by the
 * host verifier and by netdevsim's offload verifier, returns 0. No headers,
 * so it builds the same with any clang that has the bpf target. */
#define SEC(name) __attribute__((section(name), used))

SEC("classifier")
int cls_ret0(void *skb)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
