/*
 * probe:    tc_cls_common_offload_init_extack
 * upstream: commit id unconfirmed, "extack plumbing for offloads" (v4.16)
 * api:      - tc_cls_common_offload_init(common, tp)
 *           + tc_cls_common_offload_init(common, tp, u32 flags, extack)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_offload_cmd(), cls_bpf_offload_update_stats(), cls_bpf_reoffload_prog()
 */
#include <net/pkt_cls.h>

void probe(struct flow_cls_common_offload *common, struct tcf_proto *tp)
{
	tc_cls_common_offload_init(common, tp, 0, NULL);
}
