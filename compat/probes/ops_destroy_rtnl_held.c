/*
 * probe:    ops_destroy_rtnl_held
 * upstream: commit 12db03b65c2b "net: sched: extend proto ops to support unlocked classifiers" (v5.1)
 * api:      - destroy(tp, extack)
 *           + destroy(tp, bool rtnl_held, extack)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_destroy()
 */
#include <net/sch_generic.h>

static void probe_destroy(struct tcf_proto *tp, bool rtnl_held,
			  struct netlink_ext_ack *extack)
{
}

struct tcf_proto_ops probe_ops = { .destroy = probe_destroy };
