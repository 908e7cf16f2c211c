/*
 * probe:    tcf_proto_update_usesw
 * upstream: commit a12c76a03386 "net: sched: refine software bypass handling in tc_run" (v6.14; 6.1.y, 6.12.13 stable)
 * api:      - none (core-only skip_sw counters)
 *           + void tcf_proto_update_usesw(struct tcf_proto *tp, u32 flags)
 * required: no
 * consumer: tcf_proto_update_usesw() no-op fallback in compat/cbpf_compat.h
 */
#include <net/pkt_cls.h>

void probe(struct tcf_proto *tp)
{
	tcf_proto_update_usesw(tp, 0);
}
