/* tc_cls_stats_dump(): v6.1, the classifiers' walk() helper in net/pkt_cls.h */
#include <net/pkt_cls.h>

bool probe(struct tcf_proto *tp, struct tcf_walker *arg, void *filter)
{
	return tc_cls_stats_dump(tp, arg, filter);
}
