/* tcf_queue_work(struct rcu_work *, work_func_t): v4.17 "net_sched: switch to rcu_work" (Cong Wang) */
#include <net/pkt_cls.h>

bool probe(struct rcu_work *rwork, work_func_t fn)
{
	return tcf_queue_work(rwork, fn);
}
