/*
 * probe:    ops_bind_class_q_base
 * upstream: commit 2e24cd755552 "net_sched: fix ops->bind_class() implementations" (v5.6; 4.19.y, 5.4.y stable)
 * api:      - bind_class(void *fh, u32 classid, unsigned long cl)
 *           + bind_class(void *fh, u32 classid, unsigned long cl, void *q, unsigned long base)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_bind_class()
 */
#include <net/pkt_cls.h>

static void probe_bind_class(void *fh, u32 classid, unsigned long cl,
			     void *q, unsigned long base)
{
	__tcf_bind_filter(q, fh, base);
}

struct tcf_proto_ops probe_ops = { .bind_class = probe_bind_class };
