/* tcf_block.ports xarray of bound devices: v6.10 "net/sched: cls_api: add filter counter" series (tc block ports) */
#include <net/sch_generic.h>
#include <linux/xarray.h>

struct xarray *probe(struct tcf_block *b)
{
	return &b->ports;
}
