/*
 * probe:    exts_init_net
 * upstream: commit 14215108a1fd "net_sched: initialize net pointer inside tcf_exts_init()" (v5.1)
 * api:      - tcf_exts_init(exts, action, police)
 *           + int tcf_exts_init(struct tcf_exts *exts, struct net *net, int action, int police)
 * required: yes
 * consumer: src/cls_bpf.c cls_bpf_change()
 */
#include <net/pkt_cls.h>

int probe(struct tcf_exts *exts, struct net *net)
{
	return tcf_exts_init(exts, net, 1, 2);
}
