/*
 * probe:    tc_cls_bind_class
 * upstream: commit 402963e34a70 "net: sched: cls_api: introduce tc_cls_bind_class() helper" (v6.1)
 * api:      - open-coded __tcf_bind_filter()/__tcf_unbind_filter() in bind_class()
 *           + void tc_cls_bind_class(u32 classid, unsigned long cl, void *q, struct tcf_result *res, unsigned long base)
 * required: no
 * consumer: tc_cls_bind_class() fallback in compat/cbpf_compat.h
 */
#include <net/pkt_cls.h>

void probe(struct tcf_result *res, void *q)
{
	tc_cls_bind_class(1, 1, q, res, 0);
}
