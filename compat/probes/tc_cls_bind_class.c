/* tc_cls_bind_class(): v6.1, the classifiers' bind_class() helper in net/pkt_cls.h */
#include <net/pkt_cls.h>

void probe(struct tcf_result *res, void *q)
{
	tc_cls_bind_class(1, 1, q, res, 0);
}
