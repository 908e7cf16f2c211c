/* tcf_proto_update_usesw(): "net: sched: refine software bypass handling in tc_run" (Xin Long, 2025) */
#include <net/pkt_cls.h>

void probe(struct tcf_proto *tp)
{
	tcf_proto_update_usesw(tp, 0);
}
