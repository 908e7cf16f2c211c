/* tcf_proto_ops.bind_class takes (q, base): "net_sched: fix ops->bind_class() implementations" (2020, also 4.19.y/5.4.17) */
#include <net/pkt_cls.h>

static void probe_bind_class(void *fh, u32 classid, unsigned long cl,
			     void *q, unsigned long base)
{
	__tcf_bind_filter(q, fh, base);
}

struct tcf_proto_ops probe_ops = { .bind_class = probe_bind_class };
