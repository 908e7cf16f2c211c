/* tcf_proto_ops.reoffload with flow_setup_cb_t: v5.3 "net: flow_offload: rename tc_setup_cb_t to flow_setup_cb_t" */
#include <net/sch_generic.h>
#include <net/flow_offload.h>

static int probe_reoffload(struct tcf_proto *tp, bool add, flow_setup_cb_t *cb,
			   void *cb_priv, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .reoffload = probe_reoffload };
