// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz - a seeded netlink fuzzer for the tc "bpf" classifier.
 *
 *   fuzz --seed S --count N --target DEV:ingress|DEV:egress|block:N ...
 *        [--owner W] [--check-every K] [--log FILE] [--bound-dev DEV]
 *        [--offload-dev DEV]
 *        [--mirred-dev DEV] [--require-extack] [--valid] [--stateless]
 *        [--distinct-index]
 *   fuzz --replay FILE --target ...      (same targets and pool as the run)
 *
 * Every case is an RTM_NEWTFILTER, RTM_DELTFILTER, RTM_GETTFILTER or a
 * dump built from a grammar of cls_bpf's attributes (valid and broken
 * TCA_BPF_* values and sizes, classic BPF of 0..4097 instructions, fds
 * from a pool of good and bad descriptors (programs bound to --offload-dev
 * and to another device, --bound-dev), names, flags, classids, nested
 * actions) on one of the targets, sent with NETLINK_EXT_ACK.  Case K
 * depends only on (S, K) and, for a share of the cases, on the filters the
 * run has made so far.  Each case is one log line ending in the hex of the
 * request, so "fuzz --replay" sends exactly those requests again.
 *
 * The run keeps a model of the filters it made (from NLM_F_ECHO answers
 * and successful deletes) and every K cases compares a full dump of every
 * target with it: handle, prio, chain, kind, program id, flags.  GET of a
 * modelled handle must find it.  With --owner W the run only touches
 * handles of its own range (W << 16 | 1..64) and checks only those, so
 * several runs can share devices, prios and chains.  --valid (with
 * --owner) sends only well-formed adds, replaces, deletes and gets: the
 * concurrent writers.  --stateless deletes every filter a request made
 * right away, so the answer to case K depends on (S, K) alone and two runs
 * of one seed (ours, in-tree) can be compared case by case.
 *
 * Prints "fuzz: seed=S cases=N accepted=A rejected=R nomsg=M checks=C"
 * and, per operation and errno, the rejections that came without an
 * extack message.  Exit 0, or 1 on a model difference, a lost answer or
 * (with --require-extack) a rejection without a message; 2 on bad usage.
 */
#include "nlmsg.h"
#include "bpfprog.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_skbedit.h>

#define MAX_TARGETS	8
#define MAX_MODEL	4096
#define OWNER_HANDLES	64
#define CLOSED_FD	900

struct target {
	char name[IFNAMSIZ + 16];
	__u32 ifindex;		/* TCM_IFINDEX_MAGIC_BLOCK for a block */
	__u32 parent;		/* clsact hook, or the block index */
};

struct model_entry {
	int target;
	__u32 chain, prio, handle, protocol, prog_id, flags, skip, classid;
};

enum pool_fd {
	FD_PROG_OK, FD_PROG_UNSPEC, FD_PROG_SHOT, FD_SOCKET_FILTER, FD_XDP,
	FD_MAP, FD_DEVNULL, FD_CLOSED, FD_BOUND, FD_OFFLOAD, FD_MINUS_ONE, POOL_SIZE
};

static const char *const pool_names[POOL_SIZE] = {
	"prog-ok", "prog-unspec", "prog-shot", "socket-filter", "xdp",
	"map", "devnull", "closed", "bound-other-dev", "bound-offload-dev", "minus-one",
};

static struct {
	unsigned long long seed;
	unsigned long count, check_every;
	int owner;			/* -1: whole handle space */
	bool require_extack;
	bool valid;		/* only well-formed requests (concurrent writers) */
	bool stateless;		/* undo every accepted request (errno diffs) */
	bool distinct_index;	/* no action index twice in one request */
	const char *log_path, *replay_path, *bound_dev, *mirred_dev, *offload_dev;
	struct target targets[MAX_TARGETS];
	int ntargets;
	int pool[POOL_SIZE];
	__u32 mirred_ifindex;
} cfg = { .count = 1000, .check_every = 250, .owner = -1 };

static struct model_entry model[MAX_MODEL];
static int nmodel;

static struct {
	unsigned long cases, accepted, rejected, nomsg, checks;
	unsigned long nomsg_by[4][160];
} stats;

static FILE *logf;

enum op { OP_NEW, OP_DEL, OP_GET, OP_DUMP, NOPS };
static const char *const op_names[NOPS] = { "new", "del", "get", "dump" };

/* ---- randomness: case K is a function of (seed, K) ---- */

static __u64 rng_state;

static __u64 rnd(void)
{
	__u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static __u32 pick(const __u32 *v, unsigned int n)
{
	return v[below(n)];
}

#define PICK(...) ({ const __u32 _v[] = { __VA_ARGS__ }; \
		     pick(_v, sizeof(_v) / sizeof(_v[0])); })

/* Set when the case being built holds an attribute that lies about itself. */
static bool lied;
/*
 * Set when it holds a classic BPF program of 4000+ instructions: such a
 * filter is larger than any netlink message the kernel sends, so it is
 * neither echoed nor dumped; the run deletes it again at once.
 */
static bool big;
/*
 * Set when it holds a gact "goto chain 1". Such an action holds chain 1 of
 * the target's block until the filter's deferred destroy (tcf_queue_work:
 * an RCU grace period, then tc_filter_wq) has run, and GET on the chain
 * finds it until then ("Filter with ... not found", ENOENT, rather than
 * "Cannot find specified filter chain", EINVAL).
 */
static bool goto_chain;

/* ---- the fd pool ---- */

static int map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return (int)syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/*
 * Made before any other descriptor is opened, in a fixed order, so that a
 * replay gets the same fd numbers as the run it replays.
 */
static void make_pool(void)
{
	const struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	__u32 bound = 0, offload = 0;
	int i;

	/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK (EPERM). */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited))
		nl_die("setrlimit(RLIMIT_MEMLOCK): %s", strerror(errno));

	if (cfg.bound_dev && !(bound = if_nametoindex(cfg.bound_dev)))
		nl_die("no device %s", cfg.bound_dev);
	if (cfg.offload_dev && !(offload = if_nametoindex(cfg.offload_dev)))
		nl_die("no device %s", cfg.offload_dev);
	cfg.pool[FD_PROG_OK] = bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK, 0);
	cfg.pool[FD_PROG_UNSPEC] = bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_UNSPEC, 0);
	cfg.pool[FD_PROG_SHOT] = bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_SHOT, 0);
	cfg.pool[FD_SOCKET_FILTER] = bpf_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0);
	cfg.pool[FD_XDP] = bpf_load_ret(BPF_PROG_TYPE_XDP, 2, 0);
	cfg.pool[FD_MAP] = map_create();
	cfg.pool[FD_DEVNULL] = open("/dev/null", O_RDONLY);
	cfg.pool[FD_CLOSED] = CLOSED_FD;
	cfg.pool[FD_BOUND] = bound ? bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK, bound) : -1;
	cfg.pool[FD_OFFLOAD] = offload ? bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK, offload) : -1;
	cfg.pool[FD_MINUS_ONE] = -1;
	for (i = 0; i < FD_CLOSED; i++)
		if (cfg.pool[i] < 0)
			nl_die("pool %s: %s", pool_names[i], strerror(errno));
	if (bound && cfg.pool[FD_BOUND] < 0)
		nl_die("pool %s on %s: %s", pool_names[FD_BOUND], cfg.bound_dev, strerror(errno));
	if (offload && cfg.pool[FD_OFFLOAD] < 0)
		nl_die("pool %s on %s: %s", pool_names[FD_OFFLOAD], cfg.offload_dev,
		       strerror(errno));
	if (fcntl(CLOSED_FD, F_GETFD) >= 0)
		nl_die("fd %d must stay closed", CLOSED_FD);
}

/* ---- the model ---- */

static __u32 skip_bits(__u32 gen_flags)
{
	return gen_flags & (TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW);
}

static bool owned(__u32 handle)
{
	return cfg.owner < 0 || (handle >> 16 == (__u32)cfg.owner &&
				 (handle & 0xffff) >= 1 && (handle & 0xffff) <= OWNER_HANDLES);
}

static struct model_entry *model_find(int t, __u32 chain, __u32 prio, __u32 handle)
{
	int i;

	for (i = 0; i < nmodel; i++)
		if (model[i].target == t && model[i].chain == chain &&
		    model[i].prio == prio && model[i].handle == handle)
			return &model[i];
	return NULL;
}

static void model_set(int t, const struct nl_filter *f)
{
	struct model_entry *m = model_find(t, f->chain, f->prio, f->handle);

	if (!m) {
		if (nmodel == MAX_MODEL)
			nl_die("model full");
		m = &model[nmodel++];
	}
	*m = (struct model_entry){ t, f->chain, f->prio, f->handle, f->protocol,
				   f->prog_id, f->flags, skip_bits(f->gen_flags), f->classid };
}

/* Forget what a successful delete removed: one filter, a prio or a chain. */
static void model_delete(int t, __u32 chain, __u32 prio, __u32 handle)
{
	int i;

	for (i = 0; i < nmodel; i++) {
		struct model_entry *m = &model[i];

		if (m->target != t || m->chain != chain)
			continue;
		if (prio && (m->prio != prio || (handle && m->handle != handle)))
			continue;
		*m = model[--nmodel];
		i--;
	}
}

/* ---- request grammar ---- */

struct request {
	struct nl_req req;
	enum op op;
	int target;
	bool lied, big, goto_chain;
	__u32 protocol;		/* as tcm_info carries it (network order) */
	__u32 chain, prio, handle;
	bool has_chain, has_options;
};

static void put_maybe_lying(struct nl_req *req, unsigned short type,
			    const void *data, unsigned int len)
{
	unsigned int hdrlen = len;

	if (chance(4))
		hdrlen = len ? below(len) : 0;			/* truncated */
	else if (chance(2))
		hdrlen = len + 1 + below(64);			/* oversized */
	lied |= hdrlen != len;
	nl_put_raw(req, type, data, len, hdrlen);
}

static void put_u32_attr(struct nl_req *req, unsigned short type, __u32 v)
{
	__u64 wide = v;

	if (chance(3)) {
		nl_put(req, type, &wide, sizeof(wide));		/* too long */
		lied = true;
	} else if (chance(3)) {
		nl_put(req, type, &v, 2);			/* too short */
		lied = true;
	} else {
		put_maybe_lying(req, type, &v, sizeof(v));
	}
}

static void put_u16_attr(struct nl_req *req, unsigned short type, __u16 v)
{
	__u32 wide = v;

	if (chance(3)) {
		nl_put(req, type, &wide, sizeof(wide));		/* too long */
		lied = true;
	} else {
		put_maybe_lying(req, type, &v, sizeof(v));
	}
}

static void put_cbpf(struct nl_req *req)
{
	static struct sock_filter ops[4097];
	__u32 n, i, len_attr;

	switch (below(8)) {
	case 0:	/* ret #-1: the filter's classid */
		n = 1;
		ops[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
		break;
	case 1:	/* match IPv4, else ret #0 */
		n = 4;
		ops[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12);
		ops[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 1);
		ops[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x10001);
		ops[3] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		break;
	case 2:	/* valid but hostile: out-of-packet load, divide by X = 0 */
		n = 5;
		ops[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0x7ffffff0);
		ops[1] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
		ops[2] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0);
		ops[3] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0xffff);
		ops[4] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
		break;
	case 3:	/* the largest legal program, and one more */
		n = chance(50) && cfg.owner < 0 ? 4096 : 4097;
		big = n == 4096;
		for (i = 0; i < n - 1; i++)
			ops[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, i);
		ops[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
		break;
	case 4:	/* none at all */
		n = 0;
		break;
	default: /* random instructions */
		n = 1 + below(16);
		for (i = 0; i < n; i++) {
			ops[i].code = chance(50) ? (__u16)rnd() :
				(__u16)PICK(BPF_LD | BPF_W | BPF_ABS, BPF_LDX | BPF_MSH | BPF_B,
					    BPF_JMP | BPF_JA, BPF_JMP | BPF_JGT | BPF_K,
					    BPF_ALU | BPF_MOD | BPF_K, BPF_MISC | BPF_TAX,
					    BPF_ST, BPF_RET | BPF_K, BPF_RET | BPF_A);
			ops[i].jt = (__u8)below(4);
			ops[i].jf = (__u8)below(4);
			ops[i].k = chance(50) ? (__u32)rnd() : below(64);
		}
		break;
	}
	len_attr = n;
	if (chance(15))
		len_attr = chance(50) ? n + 1 : n - 1;		/* OPS_LEN != payload */
	if (!chance(5))
		put_u16_attr(req, TCA_BPF_OPS_LEN, (__u16)len_attr);
	if (!chance(5))
		put_maybe_lying(req, TCA_BPF_OPS, ops, n * sizeof(ops[0]));
}

static void put_cbpf_valid_len(struct nl_req *req)
{
	struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	__u16 one = 1;

	nl_put(req, TCA_BPF_OPS_LEN, &one, sizeof(one));
	nl_put(req, TCA_BPF_OPS, &ret, sizeof(ret));
}

static void put_name(struct nl_req *req)
{
	static char long_name[300];

	switch (below(4)) {
	case 0:
		nl_put(req, TCA_BPF_NAME, "fuzz", 5);
		break;
	case 1:	/* no terminating NUL */
		nl_put(req, TCA_BPF_NAME, "unterminated", 12);
		break;
	case 2:
		memset(long_name, 'n', sizeof(long_name) - 1);
		nl_put(req, TCA_BPF_NAME, long_name, sizeof(long_name));
		break;
	default:
		nl_put(req, TCA_BPF_NAME, "", 0);
		break;
	}
}

/*
 * An explicit action index, 1..3, or 0 for "any". Two actions of one kind
 * with the same index in one request make every core replay the request
 * forever (tcf_idr_check_alloc answers -EAGAIN for the index the request
 * itself reserved); --distinct-index gives each action of a request its
 * own index, so that runs against the in-tree module end. The random
 * stream stays the same either way.
 */
static unsigned int action_slot;

static __u32 action_index(void)
{
	__u32 index = chance(30) ? 1 + below(3) : 0;

	return index && cfg.distinct_index ? action_slot + 1 : index;
}

static void put_gact(struct nl_req *req)
{
	struct tc_gact p = { .index = action_index() };

	p.action = (int)PICK(TC_ACT_OK, TC_ACT_SHOT, TC_ACT_PIPE, TC_ACT_UNSPEC,
			     TC_ACT_GOTO_CHAIN | 1, 0x7fffffff);
	goto_chain |= p.action == (TC_ACT_GOTO_CHAIN | 1);
	put_maybe_lying(req, TCA_GACT_PARMS, &p, sizeof(p));
}

static void put_police(struct nl_req *req)
{
	static __u32 rtab[256];
	struct tc_police p = { .action = TC_ACT_SHOT, .burst = 10000, .mtu = 2048 };

	p.index = action_index();
	p.rate.rate = chance(80) ? 125000 : (__u32)rnd();
	p.rate.cell_log = (unsigned char)(chance(80) ? 3 : below(256));
	put_maybe_lying(req, TCA_POLICE_TBF, &p, sizeof(p));
	if (!chance(10))
		put_maybe_lying(req, TCA_POLICE_RATE, rtab, chance(90) ? sizeof(rtab) : 100);
}

static void put_mirred(struct nl_req *req)
{
	struct tc_mirred p = { .action = TC_ACT_STOLEN };

	p.eaction = (int)PICK(TCA_EGRESS_REDIR, TCA_EGRESS_MIRROR, TCA_INGRESS_REDIR,
			      TCA_INGRESS_MIRROR, 77);
	p.ifindex = chance(80) && cfg.mirred_ifindex ? cfg.mirred_ifindex : (__u32)rnd();
	put_maybe_lying(req, TCA_MIRRED_PARMS, &p, sizeof(p));
}

static void put_skbedit(struct nl_req *req)
{
	struct tc_skbedit p = { .action = TC_ACT_PIPE };

	put_maybe_lying(req, TCA_SKBEDIT_PARMS, &p, sizeof(p));
	nl_put_u32(req, TCA_SKBEDIT_PRIORITY, (__u32)rnd());
}

/* One action: gact, police, mirred, skbedit or a kind no module has. */
static void put_action(struct nl_req *req, unsigned short order)
{
	static const char *const kinds[] = { "gact", "police", "mirred", "skbedit", "nosuchact" };
	const char *kind = kinds[below(5)];
	struct rtattr *act, *opts;
	__u64 junk = rnd();

	act = nl_action_start(req, order, kind);
	opts = chance(95) ? nl_nest_start(req, TCA_ACT_OPTIONS) : NULL;
	if (opts) {
		if (!strcmp(kind, "gact"))
			put_gact(req);
		else if (!strcmp(kind, "police"))
			put_police(req);
		else if (!strcmp(kind, "mirred"))
			put_mirred(req);
		else if (!strcmp(kind, "skbedit"))
			put_skbedit(req);
		else
			nl_put(req, 1, &junk, sizeof(junk));
		nl_nest_end(req, opts);
	}
	nl_nest_end(req, act);
}

static void put_actions(struct nl_req *req)
{
	struct rtattr *nest = nl_nest_start(req, TCA_BPF_ACT);
	unsigned int i, n = 1 + below(3);

	for (i = 0; i < n; i++) {
		action_slot = i;
		put_action(req, (unsigned short)(chance(90) ? i + 1 : below(40)));
	}
	nl_nest_end(req, nest);
}

/* A well-formed filter: a good program, DA or not, a classid, maybe gact. */
static void put_valid_options(struct nl_req *req)
{
	struct rtattr *nest = nl_nest_start(req, TCA_OPTIONS);

	if (chance(70)) {
		nl_put_u32(req, TCA_BPF_FD, (__u32)cfg.pool[FD_PROG_OK + below(3)]);
		nl_put(req, TCA_BPF_NAME, "writer", 7);
		if (chance(85))
			nl_put_u32(req, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	} else {
		put_cbpf_valid_len(req);
	}
	if (chance(20))
		nl_put_u32(req, TCA_BPF_FLAGS_GEN, TCA_CLS_FLAGS_SKIP_HW);
	if (chance(30))
		nl_put_u32(req, TCA_BPF_CLASSID, 0x10001 + below(4));
	if (chance(15)) {
		struct rtattr *acts = nl_nest_start(req, TCA_BPF_ACT);
		struct rtattr *act = nl_nest_start(req, 1);
		struct rtattr *opts;
		struct tc_gact p = { .action = TC_ACT_OK };

		nl_put(req, TCA_ACT_KIND, "gact", 5);
		opts = nl_nest_start(req, TCA_ACT_OPTIONS);
		nl_put(req, TCA_GACT_PARMS, &p, sizeof(p));
		nl_nest_end(req, opts);
		nl_nest_end(req, act);
		nl_nest_end(req, acts);
	}
	nl_nest_end(req, nest);
}

static void put_options(struct nl_req *req)
{
	struct rtattr *nest = nl_nest_start(req, TCA_OPTIONS);
	unsigned int src = below(100);
	__u64 junk = rnd();

	if (src < 55) {			/* an fd */
		int fd = cfg.pool[below(POOL_SIZE)];

		if (chance(60))
			fd = cfg.pool[FD_PROG_OK + below(3)];
		else if (cfg.offload_dev && chance(50))
			fd = cfg.pool[FD_OFFLOAD];
		put_u32_attr(req, TCA_BPF_FD, chance(3) ? (__u32)rnd() : (__u32)fd);
		if (chance(60))
			put_name(req);
	} else if (src < 80) {		/* classic BPF */
		if (chance(40))
			put_cbpf_valid_len(req);
		else
			put_cbpf(req);
	} else if (src < 88) {		/* both */
		put_u32_attr(req, TCA_BPF_FD, (__u32)cfg.pool[FD_PROG_OK]);
		put_cbpf_valid_len(req);
	}				/* else neither */
	if (chance(75))
		put_u32_attr(req, TCA_BPF_FLAGS, chance(85) ? TCA_BPF_FLAG_ACT_DIRECT :
			     PICK(0, 2, 3, 0xffffffff, (__u32)rnd()));
	if (chance(35))
		put_u32_attr(req, TCA_BPF_FLAGS_GEN,
			     PICK(0, TCA_CLS_FLAGS_SKIP_HW, TCA_CLS_FLAGS_SKIP_SW,
				  TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW,
				  TCA_CLS_FLAGS_IN_HW, TCA_CLS_FLAGS_VERBOSE, 0x100,
				  (__u32)rnd()));
	if (chance(30))
		put_u32_attr(req, TCA_BPF_CLASSID, PICK(0, 0x10001, 0xffffffff, 0xffff0000,
							  (__u32)rnd()));
	if (chance(20))
		put_actions(req);
	if (chance(3)) {
		struct rtattr *police = nl_nest_start(req, TCA_BPF_POLICE);

		put_police(req);
		nl_nest_end(req, police);
	}
	if (chance(3))
		nl_put(req, TCA_BPF_ID, &junk, 4);		/* dump-only attributes */
	if (chance(3))
		nl_put(req, (unsigned short)(TCA_BPF_ID + 1 + below(8)), &junk, below(9));
	nl_nest_end(req, nest);
}

/* A key of a filter this run made, for the cases that aim at one. */
static const struct model_entry *pick_model(void)
{
	return nmodel ? &model[below((unsigned int)nmodel)] : NULL;
}

static void pick_key(struct request *r)
{
	const struct model_entry *m = !cfg.stateless && chance(50) ? pick_model() : NULL;

	if (m) {
		r->target = m->target;
		r->chain = m->chain;
		r->prio = m->prio;
		r->handle = m->handle;
		r->has_chain = m->chain || chance(50);
		return;
	}
	r->target = (int)below((unsigned int)cfg.ntargets);
	r->has_chain = chance(35);
	r->chain = r->has_chain ? PICK(0, 1, 2, 0x7fffffff, 0xffffffff, (__u32)rnd()) : 0;
	if (cfg.owner >= 0) {
		r->chain = r->has_chain ? below(2) : 0;
		r->prio = 1 + below(3);
		r->handle = (__u32)cfg.owner << 16 | (1 + below(OWNER_HANDLES));
		return;
	}
	r->prio = PICK(0, 1, 2, 3, 0xffff, (__u32)rnd() & 0xffff);
	r->handle = PICK(0, 1, 2, 3, 4, 0xffffffff, (__u32)rnd());
}

static void build_case(struct request *r)
{
	struct nl_req *req = &r->req;
	const struct target *t;
	__u16 flags = NLM_F_ACK;
	__u32 protocol = ETH_P_ALL;
	unsigned int o = below(100);

	lied = false;
	big = false;
	goto_chain = false;
	if (cfg.valid)
		r->op = o < 55 ? OP_NEW : o < 90 ? OP_DEL : OP_GET;
	else
		r->op = o < 60 ? OP_NEW : o < 75 ? OP_DEL : o < 90 ? OP_GET : OP_DUMP;
	pick_key(r);
	t = &cfg.targets[r->target];
	if (cfg.valid)
		r->has_chain = true;
	if (cfg.owner < 0 && !cfg.valid && chance(5))
		protocol = PICK(ETH_P_IP, ETH_P_IPV6, 0, (__u32)rnd() & 0xffff);
	switch (r->op) {
	case OP_NEW:
		if (cfg.valid) {
			flags |= NLM_F_ECHO | (__u16)PICK(NLM_F_CREATE | NLM_F_EXCL, NLM_F_CREATE,
							  NLM_F_REPLACE);
			nl_init(req, RTM_NEWTFILTER, flags);
			break;
		}
		flags |= NLM_F_ECHO | (__u16)PICK(NLM_F_CREATE | NLM_F_EXCL, NLM_F_CREATE,
						  NLM_F_CREATE | NLM_F_REPLACE, NLM_F_REPLACE, 0,
						  NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE);
		nl_init(req, RTM_NEWTFILTER, flags);
		break;
	case OP_DEL:
		nl_init(req, RTM_DELTFILTER, flags);
		break;
	case OP_GET:
		nl_init(req, RTM_GETTFILTER, flags);
		break;
	default:
		nl_init(req, RTM_GETTFILTER, NLM_F_DUMP);
		break;
	}
	req->t.tcm_ifindex = (int)t->ifindex;
	req->t.tcm_parent = t->parent;
	if (r->op != OP_DUMP) {
		req->t.tcm_handle = r->handle;
		req->t.tcm_info = TC_H_MAKE(r->prio << 16, htons((__u16)protocol));
	}
	if (r->op != OP_DUMP || chance(50))
		nl_put(req, TCA_KIND, "bpf", 4);
	if (r->has_chain && cfg.valid)
		nl_put_u32(req, TCA_CHAIN, r->chain);
	else if (r->has_chain)
		put_u32_attr(req, TCA_CHAIN, r->chain);
	r->has_options = r->op == OP_NEW && (cfg.valid || !chance(4));
	if (r->has_options && cfg.valid)
		put_valid_options(req);
	else if (r->has_options)
		put_options(req);
	r->lied = lied;
	r->big = big && r->op == OP_NEW;
	r->goto_chain = goto_chain;
	r->protocol = htons((__u16)protocol);
	if (r->big) {	/* the run must know the key to delete it again */
		if (!r->prio)
			r->prio = 1;
		if (!r->handle)
			r->handle = 1;
		req->t.tcm_handle = r->handle;
		req->t.tcm_info = TC_H_MAKE(r->prio << 16, r->protocol);
	}
}

/* ---- logging and replay ---- */

static void log_hex(const struct nl_req *req)
{
	const unsigned char *p = (const unsigned char *)&req->n;
	__u32 i;

	if (!logf)
		return;
	fputs(" hex=", logf);
	for (i = 0; i < req->n.nlmsg_len; i++)
		fprintf(logf, "%02x", p[i]);
}

static void log_case(unsigned long k, const struct request *r, const struct nl_answer *a)
{
	if (!logf)
		return;
	fprintf(logf, "case %lu op=%s target=%s chain=%s%u prio=%u handle=%#x -> errno=%d (%s) msg=\"%s\"",
		k, op_names[r->op], cfg.targets[r->target].name, r->has_chain ? "" : "none:",
		r->chain, r->prio, r->handle, a->error, a->error ? strerrorname_np(a->error) : "0",
		a->msg);
	log_hex(&r->req);
	fputc('\n', logf);
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Does a logged request carry classifier options (TCA_OPTIONS)? */
static bool has_options(const struct nl_req *req)
{
	const struct rtattr *rta = (const struct rtattr *)req->buf;
	int len = (int)req->n.nlmsg_len - NLMSG_LENGTH(sizeof(struct tcmsg));

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type & NLA_TYPE_MASK) == TCA_OPTIONS)
			return true;
	return false;
}

/*
 * Send the logged requests again, in order. With --require-extack, a
 * rejected RTM_NEWTFILTER with options and no message fails the replay.
 */
static int replay(int sk)
{
	static char line[2 * (sizeof(struct nl_req) + 64)];
	static struct nl_req req;
	struct nl_answer a = { 0 };
	FILE *f = fopen(cfg.replay_path, "r");
	unsigned long n = 0;
	int bad = 0;

	if (!f)
		nl_die("open %s: %s", cfg.replay_path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *h = strstr(line, " hex=");
		unsigned char *p = (unsigned char *)&req;
		size_t i;

		if (!h)
			continue;
		for (h += 5, i = 0; unhex(h[0]) >= 0 && unhex(h[1]) >= 0 && i < sizeof(req); h += 2)
			p[i++] = (unsigned char)(unhex(h[0]) << 4 | unhex(h[1]));
		if (i < NLMSG_LENGTH(sizeof(struct tcmsg)) || req.n.nlmsg_len != i)
			nl_die("bad hex in: %.60s", line);
		if (nl_talk(sk, &req, &a) < 0)
			nl_die("no answer: %s", strerror(errno));
		printf("replay %lu -> errno=%d (%s) msg=\"%s\"\n", n++, a.error,
		       a.error ? strerrorname_np(a.error) : "0", a.msg);
		if (cfg.require_extack && a.error && !a.msg[0] &&
		    req.n.nlmsg_type == RTM_NEWTFILTER && has_options(&req)) {
			fprintf(stderr, "fuzz: replay %lu rejected with %s and no message\n",
				n - 1, strerrorname_np(a.error));
			bad = 1;
		}
	}
	fclose(f);
	free(a.filters);
	return bad;
}

/* ---- oracles ---- */

/*
 * A dump fails with EMSGSIZE while a concurrent run's big filter exists
 * (it deletes it at once): try again for a while.
 */
static int dump_target(int sk, int t, struct nl_answer *a)
{
	struct nl_req req;
	int tries = 0;

	do {
		nl_init(&req, RTM_GETTFILTER, NLM_F_DUMP);
		req.t.tcm_ifindex = (int)cfg.targets[t].ifindex;
		req.t.tcm_parent = cfg.targets[t].parent;
		if (nl_talk(sk, &req, a) < 0)
			break;
		if (a->error == EMSGSIZE)
			usleep(10000);
	} while (a->error == EMSGSIZE && ++tries < 200);
	if (a->error || tries == 200) {
		fprintf(stderr, "fuzz: dump of %s failed: %s\n", cfg.targets[t].name,
			a->error ? strerror(a->error) : "no answer");
		return -1;
	}
	return 0;
}

static bool same(const struct model_entry *m, const struct nl_filter *f)
{
	return !strcmp(f->kind, "bpf") && m->prog_id == f->prog_id && m->flags == f->flags &&
	       m->skip == skip_bits(f->gen_flags) && m->classid == f->classid;
}

static void print_filter(const char *what, const struct nl_filter *f)
{
	fprintf(stderr, "fuzz:   %s chain %u prio %u handle %#x kind %s id %u flags %#x gen %#x classid %#x\n",
		what, f->chain, f->prio, f->handle, f->kind, f->prog_id, f->flags, f->gen_flags,
		f->classid);
}

/* Every filter in the dumps is in the model and equal; and none is missing. */
static int check_model(int sk, unsigned long k)
{
	struct nl_answer a = { 0 };
	int t, i, seen = 0, bad = 0;

	stats.checks++;
	for (t = 0; t < cfg.ntargets; t++) {
		if (dump_target(sk, t, &a))
			return -1;
		for (i = 0; i < a.nfilters; i++) {
			const struct nl_filter *f = &a.filters[i];
			const struct model_entry *m;

			if (!f->has_options || !owned(f->handle))
				continue;
			seen++;
			m = model_find(t, f->chain, f->prio, f->handle);
			if (!m || !same(m, f)) {
				fprintf(stderr, "fuzz: after case %lu, %s has a filter the model %s:\n",
					k, cfg.targets[t].name, m ? "has otherwise" : "lacks");
				print_filter("dump ", f);
				if (m)
					fprintf(stderr, "fuzz:   model id %u flags %#x skip %#x classid %#x\n",
						m->prog_id, m->flags, m->skip, m->classid);
				bad++;
			}
		}
	}
	if (seen != nmodel) {
		fprintf(stderr, "fuzz: after case %lu the dumps hold %d filters, the model %d\n",
			k, seen, nmodel);
		bad++;
	}
	free(a.filters);
	return bad ? -1 : 0;
}

/* GET of a modelled handle finds the modelled filter; others are absent. */
static int check_get(unsigned long k, const struct request *r, const struct nl_answer *a)
{
	const struct model_entry *m;

	if (!r->prio || !r->handle || !owned(r->handle) || r->lied)
		return 0;
	m = model_find(r->target, r->chain, r->prio, r->handle);
	if (m && r->protocol && r->protocol != m->protocol)
		return 0;	/* "not found" is right: another tp's protocol */
	if (m && (a->error || a->nfilters != 1 || !same(m, &a->filters[0]))) {
		fprintf(stderr, "fuzz: case %lu: get of modelled handle %#x: errno %d, %d filters\n",
			k, r->handle, a->error, a->nfilters);
		return -1;
	}
	if (!m && !a->error) {
		fprintf(stderr, "fuzz: case %lu: get found handle %#x the model lacks\n",
			k, r->handle);
		return -1;
	}
	return 0;
}

/*
 * Delete the filter a request made: a big one, which cannot be modelled,
 * or (--stateless) any, from its echo.  Cores before "net/sched: cls_api:
 * ... tfilter_notify_prep()" (5.10) cannot build the delete notification
 * of a big filter and refuse to delete it by handle ("Failed to build del
 * event notification"): then its whole prio goes (only without --owner,
 * where the prio is this run's alone).  Returns 1 if the prio went.
 */
static int delete_made(int sk, unsigned long k, const struct request *r,
		       const struct nl_filter *echo)
{
	static struct nl_req req;
	struct nl_answer a = { 0 };
	const struct target *t = &cfg.targets[r->target];

	nl_init(&req, RTM_DELTFILTER, NLM_F_ACK);
	req.t.tcm_ifindex = (int)t->ifindex;
	req.t.tcm_parent = t->parent;
	req.t.tcm_handle = echo ? echo->handle : r->handle;
	req.t.tcm_info = echo ? TC_H_MAKE(echo->prio << 16, echo->protocol) :
		TC_H_MAKE(r->prio << 16, r->protocol);
	nl_put(&req, TCA_KIND, "bpf", 4);
	if (echo)
		nl_put_u32(&req, TCA_CHAIN, echo->chain);
	else if (r->has_chain)
		nl_put_u32(&req, TCA_CHAIN, r->chain);
	if (nl_talk(sk, &req, &a) == 0 && a.error == EINVAL && !echo && cfg.owner < 0 &&
	    strstr(a.msg, "notification")) {
		req.t.tcm_handle = 0;
		if (nl_talk(sk, &req, &a) == 0 && !a.error) {
			free(a.filters);
			return 1;
		}
	}
	if (a.error) {
		fprintf(stderr, "fuzz: case %lu: cannot delete the filter it made: %s (%s)\n",
			k, strerror(a.error), a.msg);
		free(a.filters);
		return -1;
	}
	free(a.filters);
	return 0;
}

/*
 * --stateless: after deleting a filter whose actions goto chain 1, wait
 * until chain 1 of its block is gone again, so that the next case starts
 * from the same state whatever the timing of the deferred destroy (the run
 * makes nothing else that holds chain 1). A chain that stays is a leaked
 * reference: the run fails.
 */
static int wait_goto_chain_gone(int sk, unsigned long k, const struct request *r)
{
	static struct nl_req req;
	struct nl_answer a = { 0 };
	const struct target *t = &cfg.targets[r->target];
	int tries;

	for (tries = 0; tries < 5000; tries++) {
		nl_init(&req, RTM_GETTFILTER, NLM_F_ACK);
		req.t.tcm_ifindex = (int)t->ifindex;
		req.t.tcm_parent = t->parent;
		req.t.tcm_info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL));
		nl_put(&req, TCA_KIND, "bpf", 4);
		nl_put_u32(&req, TCA_CHAIN, 1);
		if (nl_talk(sk, &req, &a) < 0)
			break;
		if (a.error == EINVAL && !strcmp(a.msg, "Cannot find specified filter chain")) {
			free(a.filters);
			return 0;
		}
		usleep(1000);
	}
	fprintf(stderr, "fuzz: case %lu: chain 1 of %s still there after the filter with goto chain 1 went: %s (%s)\n",
		k, t->name, strerror(a.error), a.msg);
	free(a.filters);
	return -1;
}

static void learn(const struct request *r, const struct nl_answer *a)
{
	int i;

	if (a->error)
		return;
	switch (r->op) {
	case OP_NEW:
		for (i = 0; i < a->nfilters; i++)
			model_set(r->target, &a->filters[i]);
		break;
	case OP_DEL:
		model_delete(r->target, r->chain, r->prio, r->handle);
		break;
	default:
		break;
	}
}

static void count_reject(const struct request *r, const struct nl_answer *a)
{
	if (!a->error) {
		stats.accepted++;
		return;
	}
	stats.rejected++;
	if (a->msg[0])
		return;
	stats.nomsg++;
	if (a->error < 160)
		stats.nomsg_by[r->op][a->error]++;
}

static void print_stats(void)
{
	int op, e;

	printf("fuzz: seed=%llu cases=%lu accepted=%lu rejected=%lu nomsg=%lu checks=%lu\n",
	       cfg.seed, stats.cases, stats.accepted, stats.rejected, stats.nomsg, stats.checks);
	for (op = 0; op < NOPS; op++)
		for (e = 1; e < 160; e++)
			if (stats.nomsg_by[op][e])
				printf("fuzz: no extack: %s %s x%lu\n", op_names[op],
				       strerrorname_np(e), stats.nomsg_by[op][e]);
}

static int run(int sk)
{
	static struct request r;
	struct nl_answer a = { 0 };
	unsigned long k;
	int bad = 0;

	for (k = 0; k < cfg.count && !bad; k++) {
		rng_state = cfg.seed * 0x100000001b3ULL ^ (k + 1) * 0x9e3779b97f4a7c15ULL;
		build_case(&r);
		if (nl_talk(sk, &r.req, &a) < 0) {
			fprintf(stderr, "fuzz: case %lu: no answer: %s\n", k, strerror(errno));
			log_case(k, &r, &a);
			bad = 1;
			break;
		}
		stats.cases++;
		log_case(k, &r, &a);
		count_reject(&r, &a);
		if (r.op == OP_GET && check_get(k, &r, &a))
			bad = 1;
		if (cfg.stateless && r.op == OP_NEW && !a.error && !r.big) {
			if (a.nfilters != 1 || delete_made(sk, k, &r, &a.filters[0]) ||
			    (r.goto_chain && wait_goto_chain_gone(sk, k, &r)))
				bad = 1;
			continue;
		}
		if (r.big && !a.error) {	/* it may have replaced a modelled one */
			int prio_gone = delete_made(sk, k, &r, NULL);

			if (prio_gone < 0 ||
			    (cfg.stateless && r.goto_chain && wait_goto_chain_gone(sk, k, &r)))
				bad = 1;
			model_delete(r.target, r.chain, r.prio, prio_gone ? 0 : r.handle);
			continue;
		}
		if (r.op == OP_NEW && !a.error && a.nfilters != 1) {
			fprintf(stderr, "fuzz: case %lu: accepted without one echo (%d)\n",
				k, a.nfilters);
			bad = 1;
		}
		learn(&r, &a);
		if (cfg.require_extack && a.error && !a.msg[0] && r.has_options) {
			fprintf(stderr, "fuzz: case %lu: %s rejected with %s and no message\n",
				k, op_names[r.op], strerrorname_np(a.error));
			bad = 1;
		}
		if (cfg.check_every && (k + 1) % cfg.check_every == 0 && check_model(sk, k))
			bad = 1;
	}
	if (!bad && check_model(sk, k))
		bad = 1;
	print_stats();
	free(a.filters);
	return bad;
}

/* ---- command line ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz --seed S --count N --target DEV:ingress|DEV:egress|block:N ...\n"
		"            [--owner W] [--check-every K] [--log FILE] [--bound-dev DEV]\n"
		"            [--offload-dev DEV]\n"
		"            [--mirred-dev DEV] [--require-extack] [--valid] [--stateless]\n"
		"       fuzz --replay FILE --target ... [--bound-dev DEV] [--mirred-dev DEV]\n");
	exit(2);
}

static unsigned long long number(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		nl_die("bad number '%s'", s);
	return v;
}

static void add_target(const char *spec)
{
	struct target *t = &cfg.targets[cfg.ntargets];
	char dev[IFNAMSIZ + 1];
	const char *colon = strchr(spec, ':');

	if (cfg.ntargets == MAX_TARGETS || !colon || colon - spec > IFNAMSIZ)
		usage();
	snprintf(t->name, sizeof(t->name), "%s", spec);
	snprintf(dev, sizeof(dev), "%.*s", (int)(colon - spec), spec);
	if (!strcmp(dev, "block")) {
		t->ifindex = TCM_IFINDEX_MAGIC_BLOCK;
		t->parent = (__u32)number(colon + 1);
	} else {
		t->ifindex = if_nametoindex(dev);
		if (!t->ifindex)
			nl_die("no device %s", dev);
		if (!strcmp(colon + 1, "ingress"))
			t->parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
		else if (!strcmp(colon + 1, "egress"))
			t->parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS);
		else
			usage();
	}
	cfg.ntargets++;
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--require-extack")) {
			cfg.require_extack = true;
			continue;
		}
		if (!strcmp(o, "--valid")) {
			cfg.valid = true;
			continue;
		}
		if (!strcmp(o, "--stateless")) {
			cfg.stateless = true;
			continue;
		}
		if (!strcmp(o, "--distinct-index")) {
			cfg.distinct_index = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(o, "--seed"))
			cfg.seed = number(v);
		else if (!strcmp(o, "--count"))
			cfg.count = (unsigned long)number(v);
		else if (!strcmp(o, "--owner"))
			cfg.owner = (int)(number(v) & 0x7fff);
		else if (!strcmp(o, "--check-every"))
			cfg.check_every = (unsigned long)number(v);
		else if (!strcmp(o, "--log"))
			cfg.log_path = v;
		else if (!strcmp(o, "--replay"))
			cfg.replay_path = v;
		else if (!strcmp(o, "--bound-dev"))
			cfg.bound_dev = v;
		else if (!strcmp(o, "--mirred-dev"))
			cfg.mirred_dev = v;
		else if (!strcmp(o, "--offload-dev"))
			cfg.offload_dev = v;
		else if (!strcmp(o, "--target"))
			add_target(v);
		else
			usage();
	}
	if (!cfg.ntargets || (cfg.valid && cfg.owner < 0) || (cfg.stateless && cfg.owner >= 0))
		usage();
	if (cfg.mirred_dev && !(cfg.mirred_ifindex = if_nametoindex(cfg.mirred_dev)))
		nl_die("no device %s", cfg.mirred_dev);
}

int main(int argc, char **argv)
{
	int sk, rc;

	parse_args(argc, argv);
	make_pool();
	sk = nl_open();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cfg.replay_path)
		return replay(sk);
	if (cfg.log_path && !(logf = fopen(cfg.log_path, "w")))
		nl_die("open %s: %s", cfg.log_path, strerror(errno));
	/* a case per line, on disk at once: after a hang the log ends at it */
	if (logf)
		setvbuf(logf, NULL, _IOLBF, 0);
	printf("fuzz: seed=%llu count=%lu owner=%d targets=%d\n", cfg.seed, cfg.count,
	       cfg.owner, cfg.ntargets);
	rc = run(sk);
	if (logf)
		fclose(logf);
	return rc;
}
