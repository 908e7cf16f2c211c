/* tc_cls_common_offload_init(common, tp, flags, extack): v4.16 extack plumbing for offloads */
#include <net/pkt_cls.h>

void probe(struct flow_cls_common_offload *common, struct tcf_proto *tp)
{
	tc_cls_common_offload_init(common, tp, 0, NULL);
}
