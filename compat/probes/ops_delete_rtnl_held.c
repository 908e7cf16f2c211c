/*
 * probe:    ops_delete_rtnl_held
 * upstream: commit 12db03b65c2b "net: sched: extend proto ops to support unlocked classifiers" (v5.1)
 * api:      - delete(tp, arg, bool *last, extack)
 *           + delete(tp, arg, bool *last, bool rtnl_held, extack)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_delete()
 */
#include <net/sch_generic.h>

static int probe_delete(struct tcf_proto *tp, void *arg, bool *last,
			bool rtnl_held, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .delete = probe_delete };
