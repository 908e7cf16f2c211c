/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows kernels differ. Every HAVE_* comes from a compile
 * probe in compat/probes/ run against the target kernel (compat/run-probes.sh);
 * nothing here looks at version numbers, which distro backports make lie.
 */
#ifndef CBPF_COMPAT_H
#define CBPF_COMPAT_H

#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include <net/pkt_cls.h>

#include "generated/cbpf_probes.h"

/*
 * APIs with a single known form on every supported kernel (v5.4+).
 * compat/run-probes.sh stops the build with a full explanation first
 * (compat/required-apis.txt); these only guard against a stale header.
 */
#ifndef HAVE_OPS_DELETE_RTNL_HELD
#error "cls-bpf-dkms: required kernel API missing: probe ops_delete_rtnl_held"
#endif
#ifndef HAVE_OPS_DESTROY_RTNL_HELD
#error "cls-bpf-dkms: required kernel API missing: probe ops_destroy_rtnl_held"
#endif
#ifndef HAVE_OPS_WALK_RTNL_HELD
#error "cls-bpf-dkms: required kernel API missing: probe ops_walk_rtnl_held"
#endif
#ifndef HAVE_OPS_DUMP_RTNL_HELD
#error "cls-bpf-dkms: required kernel API missing: probe ops_dump_rtnl_held"
#endif
#ifndef HAVE_OPS_BIND_CLASS_Q_BASE
#error "cls-bpf-dkms: required kernel API missing: probe ops_bind_class_q_base"
#endif
#ifndef HAVE_OPS_REOFFLOAD_FLOW_SETUP_CB
#error "cls-bpf-dkms: required kernel API missing: probe ops_reoffload_flow_setup_cb"
#endif
#ifndef HAVE_EXTS_INIT_NET
#error "cls-bpf-dkms: required kernel API missing: probe exts_init_net"
#endif
#ifndef HAVE_TC_SETUP_CB_ADD
#error "cls-bpf-dkms: required kernel API missing: probe tc_setup_cb_add"
#endif
#ifndef HAVE_TC_SETUP_CB_CALL_RTNL_HELD
#error "cls-bpf-dkms: required kernel API missing: probe tc_setup_cb_call_rtnl_held"
#endif
#ifndef HAVE_TC_SETUP_CB_REOFFLOAD
#error "cls-bpf-dkms: required kernel API missing: probe tc_setup_cb_reoffload"
#endif
#ifndef HAVE_TC_CLS_COMMON_OFFLOAD_INIT_EXTACK
#error "cls-bpf-dkms: required kernel API missing: probe tc_cls_common_offload_init_extack"
#endif
#ifndef HAVE_IDR_ALLOC_U32
#error "cls-bpf-dkms: required kernel API missing: probe idr_alloc_u32"
#endif
#ifndef HAVE_TCF_QUEUE_RCU_WORK
#error "cls-bpf-dkms: required kernel API missing: probe tcf_queue_rcu_work"
#endif
#ifndef HAVE_TCF_BLOCK_NETIF_KEEP_DST
#error "cls-bpf-dkms: required kernel API missing: probe tcf_block_netif_keep_dst"
#endif
#ifndef HAVE_BPF_OFFLOAD_DEV_MATCH
#error "cls-bpf-dkms: required kernel API missing: probe bpf_offload_dev_match"
#endif

/*
 * tcf_proto_ops.change: the core implements one canonical change() taking
 * struct cbpf_change_flags; CBPF_DEFINE_CHANGE() wraps it in the prototype
 * this kernel's tcf_proto_ops expects. Control path only.
 */
struct cbpf_change_flags {
	u32 flags;	/* TCA_ACT_FLAGS_* (kernels with the u32 form) */
	bool ovr;	/* replace existing actions (kernels with the bool form) */
};

#if defined(HAVE_OPS_CHANGE_FLAGS)
#define CBPF_DEFINE_CHANGE(name, impl)					\
static int name(struct net *net, struct sk_buff *in_skb,		\
		struct tcf_proto *tp, unsigned long base, u32 handle,	\
		struct nlattr **tca, void **arg, u32 flags,		\
		struct netlink_ext_ack *extack)				\
{									\
	struct cbpf_change_flags cf = {					\
		.flags = flags,						\
		.ovr = !!(flags & TCA_ACT_FLAGS_REPLACE),		\
	};								\
									\
	return impl(net, in_skb, tp, base, handle, tca, arg, &cf, extack); \
}
#elif defined(HAVE_OPS_CHANGE_RTNL_HELD)
#define CBPF_DEFINE_CHANGE(name, impl)					\
static int name(struct net *net, struct sk_buff *in_skb,		\
		struct tcf_proto *tp, unsigned long base, u32 handle,	\
		struct nlattr **tca, void **arg, bool ovr,		\
		bool rtnl_held, struct netlink_ext_ack *extack)		\
{									\
	struct cbpf_change_flags cf = { .ovr = ovr };			\
									\
	return impl(net, in_skb, tp, base, handle, tca, arg, &cf, extack); \
}
#else
#error "cls-bpf-dkms: required kernel API missing: probes ops_change_*"
#endif

static inline int cbpf_exts_validate(struct net *net, struct tcf_proto *tp,
				     struct nlattr **tb, struct nlattr *rate_tlv,
				     struct tcf_exts *exts,
				     const struct cbpf_change_flags *cf,
				     struct netlink_ext_ack *extack)
{
#if defined(HAVE_EXTS_VALIDATE_FLAGS)
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, cf->flags, extack);
#elif defined(HAVE_EXTS_VALIDATE_RTNL_HELD)
	/* cls_bpf is an rtnl-locked classifier on every kernel */
	return tcf_exts_validate(net, tp, tb, rate_tlv, exts, cf->ovr, true,
				 extack);
#else
#error "cls-bpf-dkms: required kernel API missing: probes exts_validate_*"
#endif
}

/*
 * Netlink stays liberal: iproute2 does not set NLA_F_NESTED, and upstream
 * cls_bpf dumps TCA_OPTIONS without it.
 */
static inline int cbpf_nla_parse_nested(struct nlattr **tb, int maxtype,
					const struct nlattr *nla,
					const struct nla_policy *policy,
					struct netlink_ext_ack *extack)
{
#ifdef HAVE_NLA_PARSE_NESTED_DEPRECATED
	return nla_parse_nested_deprecated(tb, maxtype, nla, policy, extack);
#else
	return nla_parse_nested(tb, maxtype, nla, policy, extack);
#endif
}

static inline struct nlattr *cbpf_nla_nest_start(struct sk_buff *skb,
						 int attrtype)
{
#ifdef HAVE_NLA_NEST_START_NOFLAG
	return nla_nest_start_noflag(skb, attrtype);
#else
	return nla_nest_start(skb, attrtype);
#endif
}

/*
 * Per-packet path: everything below is static inline so the shim adds no
 * call or indirection to classify().
 *
 * Save and restore the BPF data pointers around the run: since
 * "net/sched: Extend qdisc control block with tc control block" they overlap
 * tc_skb_cb (drop_reason, zone, mru). Kernels without
 * bpf_prog_run_data_pointers() get the same fix here.
 */
static __always_inline int cbpf_prog_run_data_pointers(const struct bpf_prog *prog,
						       struct sk_buff *skb)
{
#ifdef HAVE_BPF_PROG_RUN_DATA_POINTERS
	return bpf_prog_run_data_pointers(prog, skb);
#else
	struct bpf_skb_data_end *cb = (struct bpf_skb_data_end *)skb->cb;
	void *save_data_meta = cb->data_meta;
	void *save_data_end = cb->data_end;
	int res;

	bpf_compute_data_pointers(skb);
#ifdef HAVE_BPF_PROG_RUN_FN
	res = bpf_prog_run(prog, skb);
#else
	res = BPF_PROG_RUN(prog, skb);
#endif
	cb->data_meta = save_data_meta;
	cb->data_end = save_data_end;
	return res;
#endif
}

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
static inline void cbpf_proto_update_usesw(struct tcf_proto *tp, u32 gen_flags)
{
#ifdef HAVE_TCF_PROTO_UPDATE_USESW
	tcf_proto_update_usesw(tp, gen_flags);
#endif
}

#endif /* CBPF_COMPAT_H */
