/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest programs' BPF loader: a two-instruction program that returns a
 * constant, loaded through the raw bpf(2) syscall (no libbpf, so that the
 * static guest binaries run on every kernel of the matrix).
 */
#ifndef CLS_BPF_TESTS_BPFPROG_H
#define CLS_BPF_TESTS_BPFPROG_H

#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif

/* bpf_load: load INSNS as a program of TYPE, bound to IFINDEX (0: none);
 * returns the program's fd, or -1 with errno set. */
static __maybe_unused int bpf_load(__u32 type, const struct bpf_insn *insns, __u32 n,
				   __u32 ifindex)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.prog_ifindex = ifindex;
	return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* bpf_load_ret: a program of TYPE that returns RET; as bpf_load. */
static __maybe_unused int bpf_load_ret(__u32 type, int ret, __u32 ifindex)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_load(type, insns, 2, ifindex);
}

#endif
