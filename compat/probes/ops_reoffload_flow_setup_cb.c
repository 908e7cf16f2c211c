/*
 * probe:    ops_reoffload_flow_setup_cb
 * upstream: commit id unconfirmed, "net: flow_offload: rename tc_setup_cb_t to flow_setup_cb_t" (v5.3)
 * api:      - reoffload(tp, add, tc_setup_cb_t *cb, cb_priv, extack)
 *           + reoffload(tp, add, flow_setup_cb_t *cb, cb_priv, extack)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_reoffload()
 */
#include <net/sch_generic.h>
#include <net/flow_offload.h>

static int probe_reoffload(struct tcf_proto *tp, bool add, flow_setup_cb_t *cb,
			   void *cb_priv, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .reoffload = probe_reoffload };
