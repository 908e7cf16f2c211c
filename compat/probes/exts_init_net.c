/* tcf_exts_init(exts, net, action, police): v5.0 "net: sched: extend tcf_exts with net" */
#include <net/pkt_cls.h>

int probe(struct tcf_exts *exts, struct net *net)
{
	return tcf_exts_init(exts, net, 1, 2);
}
