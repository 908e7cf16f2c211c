/*
 * probe:    tc_cls_stats_dump
 * upstream: commit fe0df81df51e "net/sched: cls_api: add helper for tc cls walker stats dump" (v6.1)
 * api:      - open-coded skip/count/stop in walk()
 *           + bool tc_cls_stats_dump(struct tcf_proto *tp, struct tcf_walker *arg, void *filter)
 * required: no
 * consumer: tc_cls_stats_dump() fallback in compat/cbpf_compat.h
 */
#include <net/pkt_cls.h>

bool probe(struct tcf_proto *tp, struct tcf_walker *arg, void *filter)
{
	return tc_cls_stats_dump(tp, arg, filter);
}
