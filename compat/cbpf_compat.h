/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows kernels differ. Every HAVE_* comes from a compile
 * probe in compat/probes/, compiled in the module's kbuild pass (Kbuild);
 * nothing here looks at version numbers, which distro backports make lie.
 */
#ifndef CBPF_COMPAT_H
#define CBPF_COMPAT_H

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include <net/pkt_cls.h>

#include "generated/cbpf_probes.h"

/*
 * Required APIs (each probe's "required:" line) need no guard here: without
 * them compat/run-probes.sh stops the build before this header is read.
 */

/*
 * tcf_proto_ops.change and tcf_exts_validate(): the core is upstream's, with
 * u32 TCA_ACT_FLAGS_* flags. Kernels with the bool ovr / rtnl_held forms get
 * an adapter under the core's name, and the core's own definition is renamed
 * by a function-like macro: "cls_bpf_change(" (the definition) expands, the
 * ops initializer's bare "cls_bpf_change" does not, so ops.change is the
 * adapter. Control path only.
 */
#if defined(HAVE_OPS_CHANGE_RTNL_HELD) || defined(HAVE_EXTS_VALIDATE_RTNL_HELD)
#ifndef TCA_ACT_FLAGS_REPLACE
/* only carries ovr from the adapter to tcf_exts_validate() below */
#define TCA_ACT_FLAGS_REPLACE	BIT(31)
#endif
#endif

#if defined(HAVE_OPS_CHANGE_RTNL_HELD)
static int cbpf_change_flags(struct net *net, struct sk_buff *in_skb,
			     struct tcf_proto *tp, unsigned long base,
			     u32 handle, struct nlattr **tca, void **arg,
			     u32 flags, struct netlink_ext_ack *extack);

static int cls_bpf_change(struct net *net, struct sk_buff *in_skb,
			  struct tcf_proto *tp, unsigned long base, u32 handle,
			  struct nlattr **tca, void **arg, bool ovr,
			  bool rtnl_held, struct netlink_ext_ack *extack)
{
	return cbpf_change_flags(net, in_skb, tp, base, handle, tca, arg,
				 ovr ? TCA_ACT_FLAGS_REPLACE : 0, extack);
}

#define cls_bpf_change(...)	cbpf_change_flags(__VA_ARGS__)
#endif

#if defined(HAVE_EXTS_VALIDATE_RTNL_HELD)
/* cls_bpf is an rtnl-locked classifier on every kernel */
#define tcf_exts_validate(net, tp, tb, rate_tlv, exts, flags, extack)	\
	tcf_exts_validate(net, tp, tb, rate_tlv, exts,			\
			  !!((flags) & TCA_ACT_FLAGS_REPLACE), true, extack)
#endif

/* kzalloc_obj(): the typed slab allocators (Debian 6.12 carries them, 6.1 not) */
#ifndef kzalloc_obj
/* the optional gfp argument, else GFP_KERNEL */
#define cbpf_gfp_or(none, gfp, ...)	gfp
#define kmalloc_obj(P, ...)						\
	kmalloc(sizeof(P), cbpf_gfp_or(, ##__VA_ARGS__, GFP_KERNEL))
#define kzalloc_obj(P, ...)						\
	kzalloc(sizeof(P), cbpf_gfp_or(, ##__VA_ARGS__, GFP_KERNEL))
#endif

/* MODULE_ALIAS_NET_CLS(): v6.9; older cores load the module by its name */
#ifndef MODULE_ALIAS_NET_CLS
#define MODULE_ALIAS_NET_CLS(kind)	MODULE_ALIAS("net-cls-" kind)
#endif

#ifndef HAVE_TC_CLS_BIND_CLASS
static inline void tc_cls_bind_class(u32 classid, unsigned long cl, void *q,
				     struct tcf_result *res, unsigned long base)
{
	if (res->classid != classid)
		return;
	if (cl)
		__tcf_bind_filter(q, res, base);
	else
		__tcf_unbind_filter(q, res);
}
#endif

#ifndef HAVE_TC_CLS_STATS_DUMP
static inline bool tc_cls_stats_dump(struct tcf_proto *tp,
				     struct tcf_walker *arg, void *filter)
{
	if (arg->count >= arg->skip && arg->fn(tp, filter, arg) < 0) {
		arg->stop = 1;
		return false;
	}
	arg->count++;
	return true;
}
#endif

/*
 * Per-packet path: everything below is static inline so the shim adds no
 * call or indirection to classify().
 *
 * Save and restore the BPF data pointers around the run: since
 * "net/sched: Extend qdisc control block with tc control block" they overlap
 * tc_skb_cb (drop_reason, zone, mru). Kernels with tc_skb_cb but without
 * bpf_prog_run_data_pointers() get the same fix here; kernels without
 * tc_skb_cb have nothing there to overlap, so they run the program the way
 * their in-tree module does, without a save and restore per filter.
 */
#ifndef HAVE_BPF_PROG_RUN_DATA_POINTERS
static __always_inline u32 bpf_prog_run_data_pointers(const struct bpf_prog *prog,
						      struct sk_buff *skb)
{
#ifdef HAVE_TC_SKB_CB
	struct bpf_skb_data_end *cb = (struct bpf_skb_data_end *)skb->cb;
	void *save_data_meta = cb->data_meta;
	void *save_data_end = cb->data_end;
#endif
	u32 res;

	bpf_compute_data_pointers(skb);
#ifdef HAVE_BPF_PROG_RUN_FN
	res = bpf_prog_run(prog, skb);
#else
	res = BPF_PROG_RUN(prog, skb);
#endif
#ifdef HAVE_TC_SKB_CB
	cb->data_meta = save_data_meta;
	cb->data_end = save_data_end;
#endif
	return res;
}
#endif

/*
 * A program that zeroes skb->tstamp must not leave it marked as a delivery
 * time ("bpf: Keep the (rcv) timestamp behavior for the existing
 * tc-bpf@ingress"). Kernels without either field have nothing to fix.
 */
static __always_inline void cbpf_skb_tstamp_fixup(struct sk_buff *skb)
{
#if defined(HAVE_SKB_TSTAMP_TYPE)
	if (unlikely(!skb->tstamp && skb->tstamp_type))
		skb->tstamp_type = SKB_CLOCK_REALTIME;
#elif defined(HAVE_SKB_MONO_DELIVERY_TIME)
	if (unlikely(!skb->tstamp && skb->mono_delivery_time))
		skb->mono_delivery_time = 0;
#endif
}

/*
 * The BPF map helpers of older kernels warn unless rcu_read_lock() is held;
 * classify() runs with BH disabled, which "bpf: Allow RCU-protected lookups
 * to happen from bh context" (v5.14) taught them to accept, and upstream
 * dropped the lock then ("sched: remove unneeded rcu_read_lock() around BPF
 * program invocation"). bpf_rcu_lock_held() is the check they use since.
 * Elsewhere the lock would be two out-of-line calls per packet on
 * preemptible kernels that the in-tree module does not make.
 */
static __always_inline void cbpf_classify_rcu_read_lock(void)
{
#ifndef HAVE_BPF_RCU_LOCK_HELD
	rcu_read_lock();
#endif
}

static __always_inline void cbpf_classify_rcu_read_unlock(void)
{
#ifndef HAVE_BPF_RCU_LOCK_HELD
	rcu_read_unlock();
#endif
}

/*
 * Without this call, kernels whose tc_run() honours block->useswcnt skip
 * software classification for the whole block ("net: sched: refine software
 * bypass handling in tc_run"). Older kernels have no such accounting.
 */
#ifndef HAVE_TCF_PROTO_UPDATE_USESW
static inline void tcf_proto_update_usesw(struct tcf_proto *tp, u32 flags)
{
}
#endif

#endif /* CBPF_COMPAT_H */
