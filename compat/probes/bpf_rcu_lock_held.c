/*
 * probe:    bpf_rcu_lock_held
 * upstream: commit 694cea395fde "bpf: Allow RCU-protected lookups to happen from bh context" (v5.14)
 * api:      - map helpers WARN unless rcu_read_lock() is held
 *           + bool bpf_rcu_lock_held(void): map helpers accept BH-disabled readers
 * required: no
 * consumer: cbpf_classify_rcu_read_lock()/unlock() in compat/cbpf_compat.h
 */
#include <linux/bpf.h>
#include <linux/rcupdate_trace.h>

bool probe(void)
{
	return bpf_rcu_lock_held();
}
