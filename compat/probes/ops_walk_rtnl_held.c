/* tcf_proto_ops.walk takes bool rtnl_held: v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/sch_generic.h>

static void probe_walk(struct tcf_proto *tp, struct tcf_walker *arg,
		       bool rtnl_held)
{
}

struct tcf_proto_ops probe_ops = { .walk = probe_walk };
