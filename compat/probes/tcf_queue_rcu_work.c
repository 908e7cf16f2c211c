/*
 * probe:    tcf_queue_rcu_work
 * upstream: commit id unconfirmed, "net_sched: switch to rcu_work" (v4.17)
 * api:      - tcf_queue_work(struct work_struct *) from call_rcu()
 *           + bool tcf_queue_work(struct rcu_work *rwork, work_func_t func)
 * required: yes
 * consumer: src/cls_bpf.c __cls_bpf_delete(), cls_bpf_change()
 */
#include <net/pkt_cls.h>

bool probe(struct rcu_work *rwork, work_func_t fn)
{
	return tcf_queue_work(rwork, fn);
}
