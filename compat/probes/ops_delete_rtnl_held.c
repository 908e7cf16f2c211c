/* tcf_proto_ops.delete takes bool rtnl_held and extack: v5.1 unlocked-classifier series (Vlad Buslov) */
#include <net/sch_generic.h>

static int probe_delete(struct tcf_proto *tp, void *arg, bool *last,
			bool rtnl_held, struct netlink_ext_ack *extack)
{
	return 0;
}

struct tcf_proto_ops probe_ops = { .delete = probe_delete };
