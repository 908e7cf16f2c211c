// SPDX-License-Identifier: GPL-2.0-only
/*
 * Berkeley Packet Filter based traffic classifier
 *
 * Might be used to classify traffic through flexible, user-defined and
 * possibly JIT-ed BPF filters for traffic control as an alternative to
 * ematches.
 *
 * (C) 2013 Daniel Borkmann <dborkman@redhat.com>
 *
 * Out-of-tree build of the upstream classifier (net/sched/cls_bpf.c as of
 * Linux 7.3) for older kernels, with the upstream fixes carried on every
 * kernel, an extack message on every rejection and O(1) handle lookup.
 * Kernel API differences live in compat/; this file has none.
 */

#include <linux/module.h>
#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/filter.h>
#include <linux/bpf.h>
#include <linux/idr.h>
#include <linux/file.h>

#include <net/rtnetlink.h>
#include <net/pkt_cls.h>
#include <net/sock.h>
#include <net/tc_wrapper.h>

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Daniel Borkmann <dborkman@redhat.com>");
MODULE_DESCRIPTION("TC BPF based classifier");
/* which build this is: the package version and the probe results */
MODULE_VERSION(CLS_BPF_DKMS_VERSION);
MODULE_INFO(cbpf_probes, CBPF_PROBE_SUMMARY);

#define CLS_BPF_NAME_LEN	256
#define CLS_BPF_SUPPORTED_GEN_FLAGS		\
	(TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW)

struct cls_bpf_head {
	struct list_head plist;
	struct idr handle_idr;
	/* new on every publish and delete (cls_bpf_gen_bump()) */
	unsigned long gen;
	struct list_head offered_cbs;
	struct rcu_head rcu;
};

/*
 * A block callback (a device's driver) that this tp's filters are offered
 * to: it was bound to the block when a filter was added, or this tp was
 * replayed to it in full since. The core follows a failed replay with an
 * undo pass (reoffload with add == false) over every tp of the block, also
 * over those sorted after the tp that failed, which the replay never
 * reached; a driver that answers "removed" for a program it never held
 * would make the core drop in_hw_count and block->offloadcnt for filters
 * that other devices still hold, and the failed bind would then succeed as
 * a non-offloading device. A tp skips the undo for a callback it has not
 * offered its filters to. The list changes under rtnl and block->cb_lock:
 * read-held in change(), write-held by the core around every reoffload().
 */
struct cls_bpf_offered_cb {
	struct list_head list;
	flow_setup_cb_t *cb;
	void *cb_priv;
};

struct cls_bpf_prog {
	struct bpf_prog *filter;
	struct list_head link;
	struct tcf_result res;
	bool exts_integrated;
	u32 gen_flags;
	unsigned int in_hw_count;
	struct tcf_exts exts;
	u32 handle;
	u16 bpf_num_ops;
	struct sock_filter *bpf_ops;
	const char *bpf_name;
	struct tcf_proto *tp;
	struct rcu_work rwork;
};

static const struct nla_policy bpf_policy[TCA_BPF_MAX + 1] = {
	[TCA_BPF_CLASSID]	= { .type = NLA_U32 },
	[TCA_BPF_FLAGS]		= { .type = NLA_U32 },
	[TCA_BPF_FLAGS_GEN]	= { .type = NLA_U32 },
	[TCA_BPF_FD]		= { .type = NLA_U32 },
	[TCA_BPF_NAME]		= { .type = NLA_NUL_STRING,
				    .len = CLS_BPF_NAME_LEN },
	[TCA_BPF_OPS_LEN]	= { .type = NLA_U16 },
	[TCA_BPF_OPS]		= { .type = NLA_BINARY,
				    .len = sizeof(struct sock_filter) * BPF_MAXINSNS },
};

static int cls_bpf_exec_opcode(int code)
{
	switch (code) {
	case TC_ACT_OK:
	case TC_ACT_SHOT:
	case TC_ACT_STOLEN:
	case TC_ACT_TRAP:
	case TC_ACT_REDIRECT:
	case TC_ACT_UNSPEC:
		return code;
	default:
		return TC_ACT_UNSPEC;
	}
}

TC_INDIRECT_SCOPE int cls_bpf_classify(struct sk_buff *skb,
				       const struct tcf_proto *tp,
				       struct tcf_result *res)
{
	struct cls_bpf_head *head = rcu_dereference_bh(tp->root);
	bool at_ingress = skb_at_tc_ingress(skb);
	struct cls_bpf_prog *prog;
	int ret = -1;

	cbpf_classify_rcu_read_lock();
	list_for_each_entry_rcu(prog, &head->plist, link) {
		int filter_res;

		qdisc_skb_cb(skb)->tc_classid = prog->res.classid;

		if (tc_skip_sw(prog->gen_flags)) {
			filter_res = prog->exts_integrated ? TC_ACT_UNSPEC : 0;
		} else if (at_ingress) {
			/* It is safe to push/pull even if skb_shared() */
			__skb_push(skb, skb->mac_len);
			filter_res = bpf_prog_run_data_pointers(prog->filter, skb);
			__skb_pull(skb, skb->mac_len);
		} else {
			filter_res = bpf_prog_run_data_pointers(prog->filter, skb);
		}
		cbpf_skb_tstamp_fixup(skb);

		if (prog->exts_integrated) {
			res->class   = 0;
			res->classid = TC_H_MAJ(prog->res.classid) |
				       qdisc_skb_cb(skb)->tc_classid;

			ret = cls_bpf_exec_opcode(filter_res);
			if (ret == TC_ACT_UNSPEC)
				continue;
			break;
		}

		if (filter_res == 0)
			continue;
		if (filter_res != -1) {
			res->class   = 0;
			res->classid = filter_res;
		} else {
			*res = prog->res;
		}

		ret = tcf_exts_exec(skb, &prog->exts, res);
		if (ret < 0)
			continue;

		break;
	}
	cbpf_classify_rcu_read_unlock();

	return ret;
}

static bool cls_bpf_is_ebpf(const struct cls_bpf_prog *prog)
{
	return !prog->bpf_ops;
}

/*
 * A failing add or replace rolls the offload state back once; the rollback
 * itself must not roll back again ("net/sched: cls_bpf: prevent unbounded
 * recursion in offload rollback").
 */
static int cls_bpf_offload_cmd(struct tcf_proto *tp, struct cls_bpf_prog *prog,
			       struct cls_bpf_prog *oldprog,
			       struct netlink_ext_ack *extack,
			       bool is_rollback)
{
	struct tcf_block *block = tp->chain->block;
	struct tc_cls_bpf_offload cls_bpf = {};
	struct cls_bpf_prog *obj;
	bool skip_sw;
	int err;

	skip_sw = prog && tc_skip_sw(prog->gen_flags);
	obj = prog ?: oldprog;

	tc_cls_common_offload_init(&cls_bpf.common, tp, obj->gen_flags, extack);
	cls_bpf.command = TC_CLSBPF_OFFLOAD;
	cls_bpf.exts = &obj->exts;
	cls_bpf.prog = prog ? prog->filter : NULL;
	cls_bpf.oldprog = oldprog ? oldprog->filter : NULL;
	cls_bpf.name = obj->bpf_name;
	cls_bpf.exts_integrated = obj->exts_integrated;

	/* replace only when both exist: "net: cls_bpf: fix NULL deref on offload filter removal" */
	if (oldprog && prog)
		err = tc_setup_cb_replace(block, tp, TC_SETUP_CLSBPF, &cls_bpf,
					  skip_sw, &oldprog->gen_flags,
					  &oldprog->in_hw_count,
					  &prog->gen_flags, &prog->in_hw_count,
					  true);
	else if (prog)
		err = tc_setup_cb_add(block, tp, TC_SETUP_CLSBPF, &cls_bpf,
				      skip_sw, &prog->gen_flags,
				      &prog->in_hw_count, true);
	else
		err = tc_setup_cb_destroy(block, tp, TC_SETUP_CLSBPF, &cls_bpf,
					  skip_sw, &oldprog->gen_flags,
					  &oldprog->in_hw_count, true);

	if (prog && err) {
		if (!is_rollback)
			cls_bpf_offload_cmd(tp, oldprog, prog, extack, true);
		/* the core refuses skip_sw up front, without a message */
		if (skip_sw && err == -EOPNOTSUPP && block->nooffloaddevcnt)
			NL_SET_ERR_MSG(extack,
				       "skip_sw filter needs every device of the block to offload tc filters, and one does not");
		else if (extack && !extack->_msg)
			NL_SET_ERR_MSG(extack, "Hardware offload of the filter failed");
		return err;
	}

	if (prog && skip_sw && !(prog->gen_flags & TCA_CLS_FLAGS_IN_HW)) {
		if (extack && !extack->_msg)
			NL_SET_ERR_MSG(extack,
				       "skip_sw filter was not offloaded to any device");
		return -EINVAL;
	}

	return 0;
}

static u32 cls_bpf_flags(u32 flags)
{
	return flags & CLS_BPF_SUPPORTED_GEN_FLAGS;
}

static int cls_bpf_offload(struct tcf_proto *tp, struct cls_bpf_prog *prog,
			   struct cls_bpf_prog *oldprog,
			   struct netlink_ext_ack *extack)
{
	/* only the user's skip flags, not IN_HW/NOT_IN_HW, must match */
	if (prog && oldprog &&
	    cls_bpf_flags(prog->gen_flags) !=
	    cls_bpf_flags(oldprog->gen_flags)) {
		NL_SET_ERR_MSG(extack,
			       "Cannot change skip_sw/skip_hw flags of an existing filter");
		return -EINVAL;
	}

	if (prog && tc_skip_hw(prog->gen_flags))
		prog = NULL;
	if (oldprog && tc_skip_hw(oldprog->gen_flags))
		oldprog = NULL;
	if (!prog && !oldprog)
		return 0;

	return cls_bpf_offload_cmd(tp, prog, oldprog, extack, false);
}

static void cls_bpf_stop_offload(struct tcf_proto *tp,
				 struct cls_bpf_prog *prog,
				 struct netlink_ext_ack *extack)
{
	int err;

	err = cls_bpf_offload_cmd(tp, NULL, prog, extack, false);
	if (err)
		pr_err("Stopping hardware offload failed: %d\n", err);
}

static void cls_bpf_offload_update_stats(struct tcf_proto *tp,
					 struct cls_bpf_prog *prog)
{
	struct tcf_block *block = tp->chain->block;
	struct tc_cls_bpf_offload cls_bpf = {};

	tc_cls_common_offload_init(&cls_bpf.common, tp, prog->gen_flags, NULL);
	cls_bpf.command = TC_CLSBPF_STATS;
	cls_bpf.exts = &prog->exts;
	cls_bpf.prog = prog->filter;
	cls_bpf.name = prog->bpf_name;
	cls_bpf.exts_integrated = prog->exts_integrated;

	tc_setup_cb_call(block, TC_SETUP_CLSBPF, &cls_bpf, false, true);
}

static struct cls_bpf_offered_cb *
cls_bpf_find_offered(struct cls_bpf_head *head, flow_setup_cb_t *cb,
		     void *cb_priv)
{
	struct cls_bpf_offered_cb *offered;

	list_for_each_entry(offered, &head->offered_cbs, list)
		if (offered->cb == cb && offered->cb_priv == cb_priv)
			return offered;
	return NULL;
}

static int cls_bpf_add_offered(struct cls_bpf_head *head, flow_setup_cb_t *cb,
			       void *cb_priv)
{
	struct cls_bpf_offered_cb *offered;

	if (cls_bpf_find_offered(head, cb, cb_priv))
		return 0;
	offered = kmalloc_obj(*offered);
	if (!offered)
		return -ENOMEM;
	offered->cb = cb;
	offered->cb_priv = cb_priv;
	list_add(&offered->list, &head->offered_cbs);
	return 0;
}

static void cls_bpf_free_offered(struct cls_bpf_head *head)
{
	struct cls_bpf_offered_cb *offered, *tmp;

	list_for_each_entry_safe(offered, tmp, &head->offered_cbs, list) {
		list_del(&offered->list);
		kfree(offered);
	}
}

/* A filter added now is offered to every callback bound now. */
static int cls_bpf_offer_to_bound_cbs(struct cls_bpf_head *head,
				      struct tcf_block *block)
{
	struct flow_block_cb *block_cb;
	int err = 0;

	down_read(&block->cb_lock);
	list_for_each_entry(block_cb, &block->flow_block.cb_list, list) {
		err = cls_bpf_add_offered(head, block_cb->cb, block_cb->cb_priv);
		if (err)
			break;
	}
	up_read(&block->cb_lock);
	return err;
}

/*
 * init() gets no extack from the core: a failure here would reach the user
 * as a bare ENOBUFS. The head is a few dozen bytes, which the allocator does
 * not fail for a sleeping caller short of an OOM kill anyway: ask for that
 * (__GFP_NOFAIL), so that no allocation of a request fails without a message.
 */
static int cls_bpf_init(struct tcf_proto *tp)
{
	struct cls_bpf_head *head;

	head = kzalloc_obj(*head, GFP_KERNEL | __GFP_NOFAIL);

	INIT_LIST_HEAD_RCU(&head->plist);
	/*
	 * Handles start at 1: with a 0-based idr, id 0 stays free forever and
	 * every kernel-chosen handle is searched for from there, through the
	 * full left side of the tree (an add at 20k filters cost 1.5x one at
	 * 1k). "idr: Make 1-based IDRs more efficient" (4.16) is this base.
	 */
	idr_init_base(&head->handle_idr, 1);
	INIT_LIST_HEAD(&head->offered_cbs);
	rcu_assign_pointer(tp->root, head);

	return 0;
}

static void cls_bpf_free_parms(struct cls_bpf_prog *prog)
{
	if (cls_bpf_is_ebpf(prog))
		bpf_prog_put(prog->filter);
	else
		bpf_prog_destroy(prog->filter);

	kfree(prog->bpf_name);
	kfree(prog->bpf_ops);
}

static void __cls_bpf_delete_prog(struct cls_bpf_prog *prog)
{
	tcf_exts_destroy(&prog->exts);
	tcf_exts_put_net(&prog->exts);

	cls_bpf_free_parms(prog);
	kfree(prog);
}

static void cls_bpf_delete_prog_work(struct work_struct *work)
{
	struct cls_bpf_prog *prog = container_of(to_rcu_work(work),
						 struct cls_bpf_prog,
						 rwork);
	rtnl_lock();
	__cls_bpf_delete_prog(prog);
	rtnl_unlock();
}

/*
 * A head's generation changes on every publish and delete (under rtnl, but
 * for destroy() of a tp nobody else holds): change() notices a stale tp by
 * it, and a dump's cursor (walk()) by it. The values come from one counter
 * for every head, so that a cursor can only match the head it was made on:
 * the core keeps a dump's cursor per position in the chain, and a tp added
 * or deleted in front between two messages puts another tp there.
 */
static atomic_long_t cls_bpf_gen = ATOMIC_LONG_INIT(0);

static void cls_bpf_gen_bump(struct cls_bpf_head *head)
{
	head->gen = atomic_long_inc_return(&cls_bpf_gen);
}

static void __cls_bpf_delete(struct tcf_proto *tp, struct cls_bpf_prog *prog,
			     struct netlink_ext_ack *extack)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);

	cls_bpf_gen_bump(head);
	spin_lock(&tp->lock);
	idr_remove(&head->handle_idr, prog->handle);
	spin_unlock(&tp->lock);
	cls_bpf_stop_offload(tp, prog, extack);
	list_del_rcu(&prog->link);
	tcf_unbind_filter(tp, &prog->res);
	if (tcf_exts_get_net(&prog->exts))
		tcf_queue_work(&prog->rwork, cls_bpf_delete_prog_work);
	else
		__cls_bpf_delete_prog(prog);
}

/*
 * rtnl: cls_bpf has no TCF_PROTO_OPS_DOIT_UNLOCKED, so the core calls
 * delete(), get() and walk() with rtnl held, and nothing in them drops it.
 * destroy() too, except when an unlocked classifier's request drops the
 * block's last reference (no assert there; upstream assumes rtnl as well).
 */
static int cls_bpf_delete(struct tcf_proto *tp, void *arg, bool *last,
			  bool rtnl_held, struct netlink_ext_ack *extack)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);

	ASSERT_RTNL();
	__cls_bpf_delete(tp, arg, extack);
	*last = list_empty(&head->plist);
	return 0;
}

/*
 * The core removes a tp it created for a request that failed. When that
 * request's change() dropped rtnl to autoload an action module, other
 * requests may have added filters to the tp meanwhile (or be building
 * them): without this check the core would destroy those with the tp.
 * Reserved handles count, as in flower: the tp is empty only when no
 * filter holds or is taking a handle.
 *
 * Not always under rtnl: a request of an unlocked classifier that fails
 * on this tp (kind mismatch) gets here without it. tp->root is set in
 * init() and never changes. Every change of the handle idr is made under
 * tp->lock, and change() reserves its handle only while tp->deleting is
 * clear, so a tp found empty here stays empty.
 */
static bool cls_bpf_delete_empty(struct tcf_proto *tp)
{
	struct cls_bpf_head *head = rcu_dereference_protected(tp->root, 1);
	bool empty;

	spin_lock(&tp->lock);
	empty = idr_is_empty(&head->handle_idr);
	tp->deleting = empty;
	spin_unlock(&tp->lock);

	return empty;
}

static void cls_bpf_destroy(struct tcf_proto *tp, bool rtnl_held,
			    struct netlink_ext_ack *extack)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);
	struct cls_bpf_prog *prog, *tmp;

	list_for_each_entry_safe(prog, tmp, &head->plist, link)
		__cls_bpf_delete(tp, prog, extack);

	/* no reoffload() runs: the core holds a reference on tp for each */
	cls_bpf_free_offered(head);
	idr_destroy(&head->handle_idr);
	kfree_rcu(head, rcu);
}

/*
 * Every complete filter of this tp is in handle_idr until it is deleted, so
 * a lookup is an idr walk instead of upstream's list walk. change() may drop
 * rtnl while it builds a filter (action module autoload), so it only
 * reserves the handle (a NULL entry, which idr_find() does not return) and
 * publishes the filter with idr_replace() once it is complete.
 */
static void *cls_bpf_get(struct tcf_proto *tp, u32 handle)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);

	ASSERT_RTNL();
	return idr_find(&head->handle_idr, handle);
}

static int cls_bpf_prog_from_ops(struct nlattr **tb, struct cls_bpf_prog *prog,
				 struct netlink_ext_ack *extack)
{
	struct sock_filter *bpf_ops;
	struct sock_fprog_kern fprog_tmp;
	struct bpf_prog *fp;
	u16 bpf_size, bpf_num_ops;
	int ret;

	bpf_num_ops = nla_get_u16(tb[TCA_BPF_OPS_LEN]);
	if (bpf_num_ops > BPF_MAXINSNS || bpf_num_ops == 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_OPS_LEN],
				    "Classic BPF program length must be 1 to 4096 instructions");
		return -EINVAL;
	}

	bpf_size = bpf_num_ops * sizeof(*bpf_ops);
	if (bpf_size != nla_len(tb[TCA_BPF_OPS])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_OPS],
				    "Classic BPF program size does not match its instruction count");
		return -EINVAL;
	}

	bpf_ops = kmemdup(nla_data(tb[TCA_BPF_OPS]), bpf_size, GFP_KERNEL_ACCOUNT);
	if (bpf_ops == NULL) {
		NL_SET_ERR_MSG(extack, "No memory for the classic BPF program");
		return -ENOMEM;
	}

	fprog_tmp.len = bpf_num_ops;
	fprog_tmp.filter = bpf_ops;

	ret = bpf_prog_create(&fp, &fprog_tmp);
	if (ret < 0) {
		if (ret == -ENOMEM)
			NL_SET_ERR_MSG(extack,
				       "No memory to build the classic BPF program");
		else if (ret == -ENOTSUPP)
			NL_SET_ERR_MSG(extack,
				       "The JIT failed on the classic BPF program (no memory, or an instruction it lacks), and this kernel runs only JIT-compiled programs");
		else
			NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_OPS],
					    "Invalid classic BPF program");
		kfree(bpf_ops);
		return ret;
	}

	prog->bpf_ops = bpf_ops;
	prog->bpf_num_ops = bpf_num_ops;
	prog->bpf_name = NULL;
	prog->filter = fp;

	return 0;
}

/*
 * bpf_prog_get_type_dev() says only -EBADF or -EINVAL; find out which of its
 * checks refused the fd. The fd table may change in between: this only
 * picks the message.
 */
static void cls_bpf_fd_err_msg(const struct nlattr *attr, u32 bpf_fd,
			       bool skip_sw, struct netlink_ext_ack *extack)
{
	struct bpf_prog *fp;
	struct file *file;
	const char *what;

	if (!skip_sw) {
		fp = bpf_prog_get_type_dev(bpf_fd, BPF_PROG_TYPE_SCHED_CLS, true);
		if (!IS_ERR(fp)) {
			bpf_prog_put(fp);
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "BPF program is bound to a device: it needs skip_sw");
			return;
		}
	}

	file = fget(bpf_fd);
	if (!file) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "BPF fd is not an open file descriptor");
		return;
	}
	/* the anon inode names that bpf(2) gives its objects */
	what = file->f_path.dentry->d_name.name;
	if (!strcmp(what, "bpf-prog"))
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "BPF program is not of type SCHED_CLS");
	else if (!strcmp(what, "bpf-map"))
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "BPF fd refers to a map, not a program");
	else
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "BPF fd does not refer to a BPF program");
	fput(file);
}

static int cls_bpf_prog_from_efd(struct nlattr **tb, struct cls_bpf_prog *prog,
				 u32 gen_flags, const struct tcf_proto *tp,
				 struct netlink_ext_ack *extack)
{
	struct bpf_prog *fp;
	char *name = NULL;
	bool skip_sw;
	u32 bpf_fd;

	bpf_fd = nla_get_u32(tb[TCA_BPF_FD]);
	skip_sw = gen_flags & TCA_CLS_FLAGS_SKIP_SW;

	fp = bpf_prog_get_type_dev(bpf_fd, BPF_PROG_TYPE_SCHED_CLS, skip_sw);
	if (IS_ERR(fp)) {
		cls_bpf_fd_err_msg(tb[TCA_BPF_FD], bpf_fd, skip_sw, extack);
		return PTR_ERR(fp);
	}

	/* a shared block has no qdisc: it takes no device-bound program */
	if (bpf_prog_is_dev_bound(fp->aux)) {
		struct tcf_block *block = tp->chain->block;
		struct net_device *dev;

		dev = block->q ? qdisc_dev(block->q) : NULL;
		if (!dev || !bpf_offload_dev_match(fp, dev)) {
			if (tcf_block_shared(block))
				NL_SET_ERR_MSG(extack,
					       "Device-bound programs cannot be attached to a shared block");
			else
				NL_SET_ERR_MSG(extack,
					       "Program is bound to a different device");
			bpf_prog_put(fp);
			return -EINVAL;
		}
	}

	if (tb[TCA_BPF_NAME]) {
		name = nla_memdup(tb[TCA_BPF_NAME], GFP_KERNEL_ACCOUNT);
		if (!name) {
			NL_SET_ERR_MSG(extack, "No memory for the program name");
			bpf_prog_put(fp);
			return -ENOMEM;
		}
	}

	prog->bpf_ops = NULL;
	prog->bpf_name = name;
	prog->filter = fp;

	if (fp->dst_needed)
		tcf_block_netif_keep_dst(tp->chain->block);

	return 0;
}

/*
 * An action whose index is reserved but not yet filled answers -EAGAIN
 * (tcf_idr_check_alloc()), and the core replays a filter request on
 * -EAGAIN without limit. When the reservation is the same request's (two
 * actions with one index), nothing ever fills it: the request would spin
 * in the kernel forever, cycling rtnl. The core hands every replay the
 * same skb: once one request's actions have answered -EAGAIN for
 * CLS_BPF_EXTS_RETRY_SECS in a row (replays less than a second apart),
 * give up. A few requests may spin at once. Under rtnl.
 */
#define CLS_BPF_EXTS_RETRY_SECS	10
#define CLS_BPF_EXTS_RETRY_SLOTS	8

struct cls_bpf_exts_retry {
	const struct sk_buff *skb;
	u32 seq;		/* with skb: a reused skb is a new request */
	unsigned long since, last;
};

static struct cls_bpf_exts_retry cls_bpf_exts_retries[CLS_BPF_EXTS_RETRY_SLOTS];

static struct cls_bpf_exts_retry *cls_bpf_exts_retry_find(const struct sk_buff *in_skb)
{
	u32 seq = nlmsg_hdr(in_skb)->nlmsg_seq;
	int i;

	ASSERT_RTNL();
	for (i = 0; i < CLS_BPF_EXTS_RETRY_SLOTS; i++)
		if (cls_bpf_exts_retries[i].skb == in_skb &&
		    cls_bpf_exts_retries[i].seq == seq)
			return &cls_bpf_exts_retries[i];
	return NULL;
}

/* The actions of IN_SKB answered -EAGAIN: true when it is time to give up. */
static bool cls_bpf_exts_retry_expired(const struct sk_buff *in_skb)
{
	struct cls_bpf_exts_retry *r = cls_bpf_exts_retry_find(in_skb);
	unsigned long now = jiffies;
	int i;

	if (r && time_before(now, r->last + HZ)) {
		r->last = now;
		if (time_before(now, r->since + CLS_BPF_EXTS_RETRY_SECS * HZ))
			return false;
		r->skb = NULL;
		return true;
	}
	/* a free slot, else the one retried longest ago */
	for (i = 0; !r && i < CLS_BPF_EXTS_RETRY_SLOTS; i++)
		if (!cls_bpf_exts_retries[i].skb)
			r = &cls_bpf_exts_retries[i];
	if (!r) {
		r = &cls_bpf_exts_retries[0];
		for (i = 1; i < CLS_BPF_EXTS_RETRY_SLOTS; i++)
			if (time_before(cls_bpf_exts_retries[i].last, r->last))
				r = &cls_bpf_exts_retries[i];
	}
	r->skb = in_skb;
	r->seq = nlmsg_hdr(in_skb)->nlmsg_seq;
	r->since = now;
	r->last = now;
	return false;
}

/* The actions of IN_SKB answered something else than -EAGAIN. */
static void cls_bpf_exts_retry_done(const struct sk_buff *in_skb)
{
	struct cls_bpf_exts_retry *r = cls_bpf_exts_retry_find(in_skb);

	if (r)
		r->skb = NULL;
}

static int cls_bpf_change(struct net *net, struct sk_buff *in_skb,
			  struct tcf_proto *tp, unsigned long base,
			  u32 handle, struct nlattr **tca,
			  void **arg, u32 flags,
			  struct netlink_ext_ack *extack)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);
	bool is_bpf, is_ebpf, have_exts = false;
	struct cls_bpf_prog *oldprog = *arg;
	unsigned long gen = head->gen;
	struct nlattr *tb[TCA_BPF_MAX + 1];
	bool bound_to_filter = false;
	struct cls_bpf_prog *prog;
	u32 gen_flags = 0;
	int ret;

	if (tca[TCA_OPTIONS] == NULL) {
		NL_SET_ERR_MSG(extack,
			       "BPF classifier needs options: a classic BPF program or an eBPF fd");
		return -EINVAL;
	}

	ret = nla_parse_nested_deprecated(tb, TCA_BPF_MAX, tca[TCA_OPTIONS],
					  bpf_policy, extack);
	if (ret < 0)
		return ret;

	prog = kzalloc_obj(*prog, GFP_KERNEL_ACCOUNT);
	if (!prog) {
		NL_SET_ERR_MSG(extack, "No memory for the filter");
		return -ENOBUFS;
	}

	ret = tcf_exts_init(&prog->exts, net, TCA_BPF_ACT, TCA_BPF_POLICE);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "No memory for the filter's actions");
		goto errout;
	}

	if (oldprog) {
		if (handle && oldprog->handle != handle) {
			NL_SET_ERR_MSG(extack,
				       "Cannot change the handle of an existing filter");
			ret = -EINVAL;
			goto errout;
		}
	}

	/*
	 * Reserved only: get() must not find the filter before it is
	 * complete. Under tp->lock, as delete_empty() may run without rtnl;
	 * a tp it found empty is being unlinked: -EAGAIN makes the core
	 * look the tp up again.
	 */
	if (handle == 0 || !oldprog) {
		idr_preload(GFP_KERNEL);
		spin_lock(&tp->lock);
		if (tp->deleting) {
			ret = -EAGAIN;
		} else if (handle == 0) {
			handle = 1;
			ret = idr_alloc_u32(&head->handle_idr, NULL, &handle,
					    INT_MAX, GFP_NOWAIT);
			if (ret == -ENOSPC)
				NL_SET_ERR_MSG(extack, "No free filter handle left");
		} else {
			ret = idr_alloc_u32(&head->handle_idr, NULL, &handle,
					    handle, GFP_NOWAIT);
			if (ret == -ENOSPC)
				NL_SET_ERR_MSG(extack, "Filter handle is already in use");
		}
		spin_unlock(&tp->lock);
		idr_preload_end();
	}

	if (ret == -ENOMEM)
		NL_SET_ERR_MSG(extack, "No memory for the filter handle");
	if (ret)
		goto errout;
	prog->handle = handle;

	is_bpf = tb[TCA_BPF_OPS_LEN] && tb[TCA_BPF_OPS];
	is_ebpf = tb[TCA_BPF_FD];
	if ((!is_bpf && !is_ebpf) || (is_bpf && is_ebpf)) {
		NL_SET_ERR_MSG(extack,
			       "Give exactly one of a classic BPF program (bytecode) or an eBPF fd");
		ret = -EINVAL;
		goto errout_idr;
	}

	ret = tcf_exts_validate(net, tp, tb, tca[TCA_RATE], &prog->exts,
				flags, extack);
	if (ret != -EAGAIN) {
		cls_bpf_exts_retry_done(in_skb);
	} else if (cls_bpf_exts_retry_expired(in_skb)) {
		NL_SET_ERR_MSG(extack,
			       "Actions still not created after 10 s of retries: is an action index used twice?");
		ret = -EBUSY;
	}
	if (ret < 0) {
		/*
		 * actions do not always say why: act_police parses without
		 * extack, an action's own allocation fails without a message
		 */
		if (ret != -EAGAIN && extack && !extack->_msg) {
			if (ret == -ENOMEM || ret == -ENOBUFS)
				NL_SET_ERR_MSG(extack, "No memory for an action of the filter");
			else
				NL_SET_ERR_MSG(extack, "Invalid action or police of the filter");
		}
		goto errout_idr;
	}
	/*
	 * tcf_exts_validate() may drop rtnl: the core's action autoload then
	 * fails (-EAGAIN makes the core replay the request), but act_ife loads
	 * its metadata modules and carries on. If a filter of this tp was
	 * published or deleted meanwhile, oldprog may be gone; and the tp may
	 * have been unlinked (filter delete of the whole prio, chain flush),
	 * leaving the filter to die with it: replay the request too. Nothing
	 * below drops rtnl, and every path that unlinks this tp holds it.
	 * chain->flushing is exact here: no tp is linked into a flushing
	 * chain, and our reference keeps it set until we let go.
	 */
	ASSERT_RTNL();
	if (head->gen != gen || READ_ONCE(tp->deleting) ||
	    READ_ONCE(tp->chain->flushing)) {
		ret = -EAGAIN;
		goto errout_idr;
	}

	if (tb[TCA_BPF_FLAGS]) {
		u32 bpf_flags = nla_get_u32(tb[TCA_BPF_FLAGS]);

		if (bpf_flags & ~TCA_BPF_FLAG_ACT_DIRECT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_FLAGS],
					    "Unknown BPF classifier flags");
			ret = -EINVAL;
			goto errout_idr;
		}

		have_exts = bpf_flags & TCA_BPF_FLAG_ACT_DIRECT;
	}
	if (tb[TCA_BPF_FLAGS_GEN]) {
		gen_flags = nla_get_u32(tb[TCA_BPF_FLAGS_GEN]);
		if (gen_flags & ~CLS_BPF_SUPPORTED_GEN_FLAGS) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_FLAGS_GEN],
					    "Unknown flags: only skip_sw and skip_hw are supported");
			ret = -EINVAL;
			goto errout_idr;
		}
		if (!tc_flags_valid(gen_flags)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TCA_BPF_FLAGS_GEN],
					    "skip_sw and skip_hw are mutually exclusive");
			ret = -EINVAL;
			goto errout_idr;
		}
	}

	prog->exts_integrated = have_exts;
	prog->gen_flags = gen_flags;

	ret = is_bpf ? cls_bpf_prog_from_ops(tb, prog, extack) :
		cls_bpf_prog_from_efd(tb, prog, gen_flags, tp, extack);
	if (ret < 0)
		goto errout_idr;

	if (tb[TCA_BPF_CLASSID]) {
		prog->res.classid = nla_get_u32(tb[TCA_BPF_CLASSID]);
		tcf_bind_filter(tp, &prog->res, base);
		bound_to_filter = true;
	}

	if (!tc_skip_hw(gen_flags) &&
	    cls_bpf_offer_to_bound_cbs(head, tp->chain->block)) {
		NL_SET_ERR_MSG(extack, "No memory to track the devices of the filter");
		ret = -ENOMEM;
		goto errout_parms;
	}

	ret = cls_bpf_offload(tp, prog, oldprog, extack);
	if (ret)
		goto errout_parms;

	if (!tc_in_hw(prog->gen_flags))
		prog->gen_flags |= TCA_CLS_FLAGS_NOT_IN_HW;

	tcf_proto_update_usesw(tp, prog->gen_flags);

	/* complete: publish it to get() and classify() together */
	cls_bpf_gen_bump(head);
	spin_lock(&tp->lock);
	idr_replace(&head->handle_idr, prog, handle);
	spin_unlock(&tp->lock);
	if (oldprog) {
		list_replace_rcu(&oldprog->link, &prog->link);
		tcf_unbind_filter(tp, &oldprog->res);
		tcf_exts_get_net(&oldprog->exts);
		tcf_queue_work(&oldprog->rwork, cls_bpf_delete_prog_work);
	} else {
		list_add_rcu(&prog->link, &head->plist);
	}

	*arg = prog;
	return 0;

errout_parms:
	/* "net: sched: cls_bpf: Undo tcf_bind_filter in case of an error" */
	if (bound_to_filter)
		tcf_unbind_filter(tp, &prog->res);
	cls_bpf_free_parms(prog);
errout_idr:
	if (!oldprog) {
		spin_lock(&tp->lock);
		idr_remove(&head->handle_idr, prog->handle);
		spin_unlock(&tp->lock);
	}
errout:
	tcf_exts_destroy(&prog->exts);
	kfree(prog);
	return ret;
}

static int cls_bpf_dump_bpf_info(const struct cls_bpf_prog *prog,
				 struct sk_buff *skb)
{
	struct nlattr *nla;

	if (nla_put_u16(skb, TCA_BPF_OPS_LEN, prog->bpf_num_ops))
		return -EMSGSIZE;

	nla = nla_reserve(skb, TCA_BPF_OPS, prog->bpf_num_ops *
			  sizeof(struct sock_filter));
	if (nla == NULL)
		return -EMSGSIZE;

	memcpy(nla_data(nla), prog->bpf_ops, nla_len(nla));

	return 0;
}

static int cls_bpf_dump_ebpf_info(const struct cls_bpf_prog *prog,
				  struct sk_buff *skb)
{
	struct nlattr *nla;

	if (prog->bpf_name &&
	    nla_put_string(skb, TCA_BPF_NAME, prog->bpf_name))
		return -EMSGSIZE;

	if (nla_put_u32(skb, TCA_BPF_ID, prog->filter->aux->id))
		return -EMSGSIZE;

	nla = nla_reserve(skb, TCA_BPF_TAG, sizeof(prog->filter->tag));
	if (nla == NULL)
		return -EMSGSIZE;

	memcpy(nla_data(nla), prog->filter->tag, nla_len(nla));

	return 0;
}

static int cls_bpf_dump(struct net *net, struct tcf_proto *tp, void *fh,
			struct sk_buff *skb, struct tcmsg *tm, bool rtnl_held)
{
	struct cls_bpf_prog *prog = fh;
	struct nlattr *nest;
	u32 bpf_flags = 0;
	int ret;

	if (prog == NULL)
		return skb->len;

	tm->tcm_handle = prog->handle;

	cls_bpf_offload_update_stats(tp, prog);

	nest = nla_nest_start_noflag(skb, TCA_OPTIONS);
	if (nest == NULL)
		goto nla_put_failure;

	if (prog->res.classid &&
	    nla_put_u32(skb, TCA_BPF_CLASSID, prog->res.classid))
		goto nla_put_failure;

	if (cls_bpf_is_ebpf(prog))
		ret = cls_bpf_dump_ebpf_info(prog, skb);
	else
		ret = cls_bpf_dump_bpf_info(prog, skb);
	if (ret)
		goto nla_put_failure;

	if (tcf_exts_dump(skb, &prog->exts) < 0)
		goto nla_put_failure;

	if (prog->exts_integrated)
		bpf_flags |= TCA_BPF_FLAG_ACT_DIRECT;
	if (bpf_flags && nla_put_u32(skb, TCA_BPF_FLAGS, bpf_flags))
		goto nla_put_failure;
	if (prog->gen_flags &&
	    nla_put_u32(skb, TCA_BPF_FLAGS_GEN, prog->gen_flags))
		goto nla_put_failure;

	nla_nest_end(skb, nest);

	if (tcf_exts_dump_stats(skb, &prog->exts) < 0)
		goto nla_put_failure;

	return skb->len;

nla_put_failure:
	nla_nest_cancel(skb, nest);
	return -1;
}

static void cls_bpf_bind_class(void *fh, u32 classid, unsigned long cl,
			       void *q, unsigned long base)
{
	struct cls_bpf_prog *prog = fh;

	tc_cls_bind_class(classid, cl, q, &prog->res, base);
}

/*
 * A dump resumes where its previous netlink message stopped, whereas
 * upstream walks again past every filter it already sent (a dump of n
 * filters costs O(n^2)). arg->cookie holds the handle of the last filter the
 * walk passed and the low 32 bits of head->gen at that time. When nothing was
 * published or deleted since (and the cursor was made on this head: see
 * cls_bpf_gen_bump()), that filter is still the arg->skip-th from the head
 * and the walk continues after it; otherwise it counts arg->skip filters
 * from the head, as upstream does, so the order and the contents of a dump
 * are upstream's in every case. 32-bit builds always count.
 */
static unsigned long cls_bpf_walk_cookie(const struct cls_bpf_head *head,
					 u32 handle)
{
	return (unsigned long)((u64)lower_32_bits(head->gen) << 32 | handle);
}

static struct cls_bpf_prog *cls_bpf_walk_resume(struct cls_bpf_head *head,
						 const struct tcf_walker *arg)
{
	u32 handle = (u32)arg->cookie;

	if (!IS_ENABLED(CONFIG_64BIT) || !arg->skip || !handle ||
	    arg->cookie != cls_bpf_walk_cookie(head, handle))
		return NULL;
	return idr_find(&head->handle_idr, handle);
}

static void cls_bpf_walk(struct tcf_proto *tp, struct tcf_walker *arg,
			 bool rtnl_held)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);
	struct cls_bpf_prog *prog;

	ASSERT_RTNL();
	prog = cls_bpf_walk_resume(head, arg);
	if (prog)
		arg->count = arg->skip;
	prog = list_prepare_entry(prog, &head->plist, link);
	list_for_each_entry_continue(prog, &head->plist, link) {
		if (!tc_cls_stats_dump(tp, arg, prog))
			break;
		arg->cookie = cls_bpf_walk_cookie(head, prog->handle);
	}
}

static int cls_bpf_reoffload_prog(struct tcf_proto *tp, struct cls_bpf_prog *prog,
				  bool add, flow_setup_cb_t *cb, void *cb_priv,
				  struct netlink_ext_ack *extack)
{
	struct tcf_block *block = tp->chain->block;
	struct tc_cls_bpf_offload cls_bpf = {};

	tc_cls_common_offload_init(&cls_bpf.common, tp, prog->gen_flags, extack);
	cls_bpf.command = TC_CLSBPF_OFFLOAD;
	cls_bpf.exts = &prog->exts;
	cls_bpf.prog = add ? prog->filter : NULL;
	cls_bpf.oldprog = add ? NULL : prog->filter;
	cls_bpf.name = prog->bpf_name;
	cls_bpf.exts_integrated = prog->exts_integrated;

	return tc_setup_cb_reoffload(block, tp, add, cb, TC_SETUP_CLSBPF,
				     &cls_bpf, cb_priv, &prog->gen_flags,
				     &prog->in_hw_count);
}

static void cls_bpf_del_offered(struct cls_bpf_head *head,
				struct cls_bpf_offered_cb *offered)
{
	list_del(&offered->list);
	kfree(offered);
}

static int cls_bpf_reoffload(struct tcf_proto *tp, bool add, flow_setup_cb_t *cb,
			     void *cb_priv, struct netlink_ext_ack *extack)
{
	struct cls_bpf_head *head = rtnl_dereference(tp->root);
	struct cls_bpf_offered_cb *offered;
	struct cls_bpf_prog *prog, *done;
	int err;

	if (add) {
		/* tracked first, so that a failure here leaves nothing to undo */
		err = cls_bpf_add_offered(head, cb, cb_priv);
		if (err) {
			NL_SET_ERR_MSG(extack, "No memory to track the device's filters");
			return err;
		}
	}
	offered = cls_bpf_find_offered(head, cb, cb_priv);
	/* the undo of a failed replay that never reached this tp */
	if (!offered)
		return 0;
	if (!add)
		cls_bpf_del_offered(head, offered);

	list_for_each_entry(prog, &head->plist, link) {
		if (tc_skip_hw(prog->gen_flags))
			continue;

		err = cls_bpf_reoffload_prog(tp, prog, add, cb, cb_priv, extack);
		if (!err)
			continue;
		if (add) {
			/* take back this tp's part now; the core's undo skips it */
			list_for_each_entry(done, &head->plist, link) {
				if (done == prog)
					break;
				if (!tc_skip_hw(done->gen_flags))
					cls_bpf_reoffload_prog(tp, done, false, cb,
							       cb_priv, NULL);
			}
			cls_bpf_del_offered(head, offered);
		}
		return err;
	}

	return 0;
}

static struct tcf_proto_ops cls_bpf_ops __read_mostly = {
	.kind		=	"bpf",
	.owner		=	THIS_MODULE,
	.classify	=	cls_bpf_classify,
	.init		=	cls_bpf_init,
	.destroy	=	cls_bpf_destroy,
	.get		=	cls_bpf_get,
	.change		=	cls_bpf_change,
	.delete		=	cls_bpf_delete,
	.delete_empty	=	cls_bpf_delete_empty,
	.walk		=	cls_bpf_walk,
	.reoffload	=	cls_bpf_reoffload,
	.dump		=	cls_bpf_dump,
	.bind_class	=	cls_bpf_bind_class,
};
MODULE_ALIAS_NET_CLS("bpf");

static int __init cls_bpf_init_mod(void)
{
	int err = register_tcf_proto_ops(&cls_bpf_ops);

	if (err == -EEXIST)
		pr_err("cls_bpf: another \"bpf\" classifier is registered; unload the in-tree cls_bpf first\n");
	return err;
}

static void __exit cls_bpf_exit_mod(void)
{
	unregister_tcf_proto_ops(&cls_bpf_ops);
}

module_init(cls_bpf_init_mod);
module_exit(cls_bpf_exit_mod);
