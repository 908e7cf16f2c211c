/*
 * probe:    ops_walk_rtnl_held
 * upstream: commit 12db03b65c2b "net: sched: extend proto ops to support unlocked classifiers" (v5.1)
 * api:      - walk(tp, arg)
 *           + walk(tp, arg, bool rtnl_held)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_walk()
 */
#include <net/sch_generic.h>

static void probe_walk(struct tcf_proto *tp, struct tcf_walker *arg,
		       bool rtnl_held)
{
}

struct tcf_proto_ops probe_ops = { .walk = probe_walk };
