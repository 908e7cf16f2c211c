/* bpf_rcu_lock_held(): map helpers accept RCU-bh readers, v5.14 "bpf: Allow RCU-protected lookups to happen from bh context" (macro named later; 6.1+) */
#include <linux/bpf.h>
#include <linux/rcupdate_trace.h>

bool probe(void)
{
	return bpf_rcu_lock_held();
}
