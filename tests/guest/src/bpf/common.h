/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared bits of the functional-test BPF programs.
 *
 * Every program lives alone in its own object, in section "classifier",
 * so that every tc loader (iproute2 5.10's own ELF loader and the libbpf
 * based one of later releases) and libbpf's bpf_object__open_file() pick
 * it the same way.  No maps, no global data, no BTF-only features.
 */
#ifndef CLS_BPF_TEST_COMMON_H
#define CLS_BPF_TEST_COMMON_H

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* ifindex the redirect tests give their target device (ip link ... index) */
#define REDIRECT_IFINDEX	42

/* minor classid da_classid.c stores in skb->tc_classid */
#define DA_CLASSID_MINOR	0x20

/* classid cls_classid.c returns: 1:30 */
#define CLS_CLASSID		0x10030

#define TEST_PROG(name) SEC("classifier") int name(struct __sk_buff *skb)

#define TEST_LICENSE char _license[] SEC("license") = "GPL"

#endif
