/* tcf_proto_ops.destroy takes bool rtnl_held and extack: v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/sch_generic.h>

static void probe_destroy(struct tcf_proto *tp, bool rtnl_held,
			  struct netlink_ext_ack *extack)
{
}

struct tcf_proto_ops probe_ops = { .destroy = probe_destroy };
