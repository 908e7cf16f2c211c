// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: the fault-injection sweep of the debug kernels.  For one kind of
 * request the classifier handles, make the 1st, 2nd, ... fault-injection
 * point (slab or page allocation) that the request reaches fail, through
 * /proc/thread-self/fail-nth, until one run of the request reaches no
 * injected failure at all (it then has to succeed, untouched).
 *
 * Before each run the device's filter table is put back to a fixed base;
 * after it the table must be exactly the base (the request failed, or was a
 * dump) or exactly what the request makes of it (the request succeeded: the
 * failure was absorbed, or only the answer was lost).  Anything in between
 * is a failure.  For every injected failure the kernel prints a trace
 * (failslab/fail_page_alloc "verbose", set up by the caller); it is read
 * from /dev/kmsg to tell whether the failing allocation was the
 * classifier's own (a [cls_bpf] frame): such a failure must be answered
 * with an error and an extack message (--require-extack), a figure the
 * in-tree module only reports.
 *
 * Usage: failnth --dev DEV --kind KIND [--require-extack] [--max N]
 *   KIND: cbpf-add ebpf-add act-add replace delete dump on DEV's clsact
 *   ingress; offload-add: a skip_sw filter with a program bound to DEV (a
 *   netdevsim port with hw-tc-offload on).  act_gact must be loaded.
 * Prints one line per injected failure (its outcome and where it was
 * injected) and a summary line "failnth KIND: runs R, injected I, not sent
 * N, errors E (without a report U), absorbed A, answer lost L, classifier's
 * own C (with message M)". With --require-extack, an error also needs a
 * message when no report tells where it failed (a __GFP_NOWARN allocation),
 * and the classifier's own ENOMEM/ENOBUFS a message that says "memory".
 * Exits 0 if every check held, 1 if one did not, 2 on bad usage or setup.
 */
#include "nlmsg.h"
#include "bpfprog.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/tc_act/tc_gact.h>
#include <arpa/inet.h>

#define INGRESS		TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define PRIO		1
#define BASE_EBPF	1	/* handle of the base's eBPF filter */
#define BASE_CBPF	3	/* handle of the base's classic BPF filter */
#define NEW_HANDLE	2	/* handle the add requests create */
#define MAX_TABLE	16

enum kind { CBPF_ADD, EBPF_ADD, ACT_ADD, REPLACE, DELETE, DUMP, OFFLOAD_ADD, NKINDS };

static const char *const kind_names[NKINDS] = {
	"cbpf-add", "ebpf-add", "act-add", "replace", "delete", "dump", "offload-add",
};

static struct {
	const char *dev;
	__u32 ifindex;
	enum kind kind;
	bool require_extack;
	int max;
	int prog_a, prog_b;	/* SCHED_CLS programs (bound to DEV for offload-add) */
	__u32 id_a, id_b;
	int nth_fd, kmsg_fd, sk;
} cfg = { .kind = NKINDS, .max = 100000 };

struct table {
	int n;
	struct { __u32 handle, prog_id, classid, skip; } f[MAX_TABLE];
};

static int failures;

static void bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* ---- programs ---- */

static int load_ret(int ret, __u32 ifindex)
{
	int fd = bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, ret, ifindex);

	if (fd < 0)
		nl_die("BPF_PROG_LOAD: %s", strerror(errno));
	return fd;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		nl_die("BPF_OBJ_GET_INFO_BY_FD: %s", strerror(errno));
	return info.id;
}

/* ---- requests ---- */

static void filter_req(struct nl_req *req, __u16 type, __u16 flags, __u32 handle)
{
	nl_init(req, type, flags);
	req->t.tcm_ifindex = (int)cfg.ifindex;
	req->t.tcm_parent = INGRESS;
	req->t.tcm_handle = handle;
	req->t.tcm_info = TC_H_MAKE(PRIO << 16, htons(ETH_P_ALL));
}

static void put_ebpf(struct nl_req *req, int fd, const char *name, __u32 gen_flags)
{
	struct rtattr *opts;

	nl_put(req, TCA_KIND, "bpf", 4);
	opts = nl_nest_start(req, TCA_OPTIONS);
	nl_put_u32(req, TCA_BPF_FD, (__u32)fd);
	nl_put(req, TCA_BPF_NAME, name, strlen(name) + 1);
	nl_put_u32(req, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	if (gen_flags)
		nl_put_u32(req, TCA_BPF_FLAGS_GEN, gen_flags);
	nl_nest_end(req, opts);
}

static void put_cbpf(struct nl_req *req, __u32 classid)
{
	const struct sock_filter ops[] = {
		{ .code = BPF_LD | BPF_W | BPF_LEN },
		{ .code = BPF_JMP | BPF_JGT | BPF_K, .jt = 0, .jf = 1, .k = 0 },
		{ .code = BPF_RET | BPF_K, .k = 0xffffffff },
		{ .code = BPF_RET | BPF_K, .k = 0 },
	};
	struct rtattr *opts;

	nl_put(req, TCA_KIND, "bpf", 4);
	opts = nl_nest_start(req, TCA_OPTIONS);
	nl_put_u16(req, TCA_BPF_OPS_LEN, sizeof(ops) / sizeof(ops[0]));
	nl_put(req, TCA_BPF_OPS, ops, sizeof(ops));
	nl_put_u32(req, TCA_BPF_CLASSID, classid);
	nl_nest_end(req, opts);
}

static void put_ebpf_with_gact(struct nl_req *req, int fd)
{
	struct tc_gact p = { .action = TC_ACT_OK };
	struct rtattr *opts, *acts, *act, *aopts;

	nl_put(req, TCA_KIND, "bpf", 4);
	opts = nl_nest_start(req, TCA_OPTIONS);
	nl_put_u32(req, TCA_BPF_FD, (__u32)fd);
	nl_put(req, TCA_BPF_NAME, "sweep-act", 10);
	acts = nl_nest_start(req, TCA_BPF_ACT);
	act = nl_action_start(req, 1, "gact");
	aopts = nl_nest_start(req, TCA_ACT_OPTIONS);
	nl_put(req, TCA_GACT_PARMS, &p, sizeof(p));
	nl_nest_end(req, aopts);
	nl_nest_end(req, act);
	nl_nest_end(req, acts);
	nl_nest_end(req, opts);
}

/* The request under test. */
static void build_request(struct nl_req *req)
{
	switch (cfg.kind) {
	case CBPF_ADD:
		filter_req(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, NEW_HANDLE);
		put_cbpf(req, 0x10002);
		break;
	case EBPF_ADD:
		filter_req(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, NEW_HANDLE);
		put_ebpf(req, cfg.prog_b, "sweep", 0);
		break;
	case ACT_ADD:
		filter_req(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, NEW_HANDLE);
		put_ebpf_with_gact(req, cfg.prog_b);
		break;
	case REPLACE:
		filter_req(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_ACK, BASE_EBPF);
		put_ebpf(req, cfg.prog_b, "sweep", 0);
		break;
	case DELETE:
		filter_req(req, RTM_DELTFILTER, NLM_F_ACK, BASE_EBPF);
		nl_put(req, TCA_KIND, "bpf", 4);
		break;
	case DUMP:
		nl_init(req, RTM_GETTFILTER, NLM_F_DUMP);
		req->t.tcm_ifindex = (int)cfg.ifindex;
		req->t.tcm_parent = INGRESS;
		break;
	case OFFLOAD_ADD:
		filter_req(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, NEW_HANDLE);
		put_ebpf(req, cfg.prog_b, "sweep", TCA_CLS_FLAGS_SKIP_SW);
		break;
	default:
		nl_die("no kind");
	}
}

/* ---- the table ---- */

static int talk(struct nl_req *req, struct nl_answer *a)
{
	if (nl_talk(cfg.sk, req, a) < 0)
		nl_die("netlink: %s", strerror(errno));
	return a->error;
}

/* The filters (not the prios' own entries) of a dump or an echo. */
static void table_of(const struct nl_answer *a, struct table *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < a->nfilters; i++) {
		if (!a->filters[i].has_options)
			continue;
		if (t->n == MAX_TABLE)
			nl_die("more than %d filters on %s", MAX_TABLE, cfg.dev);
		t->f[t->n].handle = a->filters[i].handle;
		t->f[t->n].prog_id = a->filters[i].prog_id;
		t->f[t->n].classid = a->filters[i].classid;
		t->f[t->n].skip = a->filters[i].gen_flags &
				  (TCA_CLS_FLAGS_SKIP_SW | TCA_CLS_FLAGS_SKIP_HW);
		t->n++;
	}
}

static void read_table(struct table *t)
{
	static struct nl_answer a;
	struct nl_req req;

	nl_init(&req, RTM_GETTFILTER, NLM_F_DUMP);
	req.t.tcm_ifindex = (int)cfg.ifindex;
	req.t.tcm_parent = INGRESS;
	if (talk(&req, &a))
		nl_die("dump of %s: %s", cfg.dev, strerror(a.error));
	table_of(&a, t);
}

static void print_table(const char *what, const struct table *t)
{
	int i;

	printf("  %s:", what);
	for (i = 0; i < t->n; i++)
		printf(" [handle %u prog %u classid %x skip %u]", t->f[i].handle,
		       t->f[i].prog_id, t->f[i].classid, t->f[i].skip);
	printf("%s\n", t->n ? "" : " (empty)");
}

static const struct table *find(const struct table *t, __u32 handle, int *i)
{
	for (*i = 0; *i < t->n; (*i)++)
		if (t->f[*i].handle == handle)
			return t;
	return NULL;
}

static bool same_table(const struct table *x, const struct table *y)
{
	int i, j;

	if (x->n != y->n)
		return false;
	for (i = 0; i < x->n; i++) {
		if (!find(y, x->f[i].handle, &j) ||
		    memcmp(&x->f[i], &y->f[j], sizeof(x->f[i])))
			return false;
	}
	return true;
}

/* Delete every filter of the hook, then add the base. */
static void reset_base(void)
{
	static struct nl_answer a;
	struct nl_req req;

	nl_init(&req, RTM_DELTFILTER, NLM_F_ACK);
	req.t.tcm_ifindex = (int)cfg.ifindex;
	req.t.tcm_parent = INGRESS;
	if (talk(&req, &a) && a.error != ENOENT && a.error != EINVAL)
		nl_die("flush of %s: %s", cfg.dev, strerror(a.error));
	if (cfg.kind == OFFLOAD_ADD)
		return;		/* one program per netdevsim port: an empty base */
	filter_req(&req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, BASE_EBPF);
	put_ebpf(&req, cfg.prog_a, "base", 0);
	if (talk(&req, &a))
		nl_die("base eBPF filter: %s (%s)", strerror(a.error), a.msg);
	filter_req(&req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, BASE_CBPF);
	put_cbpf(&req, 0x10001);
	if (talk(&req, &a))
		nl_die("base cBPF filter: %s (%s)", strerror(a.error), a.msg);
}

/* What the request makes of the base when it succeeds. */
static void expected_after(const struct table *base, struct table *t)
{
	int i;

	*t = *base;
	switch (cfg.kind) {
	case CBPF_ADD:
		t->f[t->n++] = (typeof(t->f[0])){ NEW_HANDLE, 0, 0x10002, 0 };
		break;
	case EBPF_ADD:
	case ACT_ADD:
		t->f[t->n++] = (typeof(t->f[0])){ NEW_HANDLE, cfg.id_b, 0, 0 };
		break;
	case OFFLOAD_ADD:
		t->f[t->n++] = (typeof(t->f[0])){ NEW_HANDLE, cfg.id_b, 0, TCA_CLS_FLAGS_SKIP_SW };
		break;
	case REPLACE:
		if (find(t, BASE_EBPF, &i))
			t->f[i].prog_id = cfg.id_b;
		break;
	case DELETE:
		if (find(t, BASE_EBPF, &i))
			t->f[i] = t->f[--t->n];
		break;
	default:
		break;
	}
}

/* A successful request's outcome: the table it makes (a dump's answer). */
static bool outcome_ok(const struct nl_answer *a, const struct table *after,
		       const struct table *now)
{
	struct table dumped;

	if (cfg.kind != DUMP)
		return same_table(now, after);
	table_of(a, &dumped);
	return same_table(&dumped, after) && same_table(now, after);
}

/* ---- fail-nth and the kernel log ---- */

static void arm(int nth)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%d", nth);

	if (pwrite(cfg.nth_fd, s, len, 0) != len)
		nl_die("write fail-nth: %s", strerror(errno));
}

/* Whether the armed failure was injected; disarms in any case. */
static bool injected(void)
{
	char s[16] = "";
	ssize_t len = pread(cfg.nth_fd, s, sizeof(s) - 1, 0);

	if (len <= 0)
		nl_die("read fail-nth: %s", len ? strerror(errno) : "empty");
	arm(0);
	return atoi(s) == 0;
}

/* Frames of the allocator and of fault injection itself. */
static bool allocator_frame(const char *f)
{
	static const char *const prefixes[] = {
		"dump_stack", "should_fail", "__should_fail", "kmem_cache_alloc",
		"__kmem_cache_alloc", "__kmalloc", "kmalloc", "__alloc_pages", "alloc_pages",
		"__vmalloc", "vmalloc", "__kvmalloc", "kvmalloc", "slab_pre_alloc_hook",
		"__get_vm_area", "get_vm_area", "alloc_vmap_area", "__alloc_percpu",
		"pcpu_alloc", "__folio_alloc", "folio_alloc", "alloc_slab_page",
		"allocate_slab", "new_slab", "___slab_alloc", "__slab_alloc",
	};
	unsigned int i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(f, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * The trace of the injected failure, from /dev/kmsg (the records since the
 * last call): whether a [cls_bpf] frame is in it, and in SITE the first
 * three reliable frames above the allocator, the classifier's frame last
 * ("netlink_sendmsg" or "bpf_prog_create < cls_bpf_change").
 */
static bool classifier_failed(bool *traced, char *site, size_t size)
{
	static char rec[8192];
	bool in_trace = false, ours = false;
	int frames = 0;
	char *text, *end;
	ssize_t len;

	*traced = false;
	site[0] = '\0';
	for (;;) {
		len = read(cfg.kmsg_fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		if ((end = strchr(text, '\n')))
			*end = '\0';
		if (strstr(text, "FAULT_INJECTION: forcing a failure")) {
			in_trace = *traced = true;
			frames = 0;
			continue;
		}
		if (!in_trace)
			continue;
		if (strstr(text, "</TASK>")) {
			in_trace = false;
			continue;
		}
		while (*text == ' ')
			text++;
		if (*text == '?' || !strchr(text, '+') || strchr(text, ':') || allocator_frame(text))
			continue;
		if ((end = strchr(text, '+')))
			*end = '\0';
		if (strstr(end + 1, "[cls_bpf]")) {
			if (!ours)
				snprintf(site + strlen(site), size - strlen(site), "%s%s",
					 site[0] ? " < " : "", text);
			ours = true;
		} else if (frames < 3 && !ours) {
			snprintf(site + strlen(site), size - strlen(site), "%s%s",
				 site[0] ? " < " : "", text);
		}
		frames++;
	}
	return ours;
}

/* ---- the sweep ---- */

struct counts {
	int runs, injected, unsent, errors, absorbed, lost, untraced, ours, ours_msg;
};

static void one_run(int nth, struct counts *c, bool *done)
{
	static struct nl_answer a;
	struct table base, after, now;
	struct nl_req req;
	bool hit, traced, ours;
	char site[256];
	int rc, err;

	reset_base();
	read_table(&base);
	expected_after(&base, &after);
	build_request(&req);
	classifier_failed(&traced, site, sizeof(site));	/* forget what came before */
	arm(nth);
	rc = nl_talk(cfg.sk, &req, &a);
	err = errno;
	hit = injected();
	ours = classifier_failed(&traced, site, sizeof(site));
	c->runs++;
	if (rc == -2) {
		/* a failed answer leaves the socket in error: start afresh */
		close(cfg.sk);
		cfg.sk = nl_open();
	}
	read_table(&now);

	if (!hit) {
		*done = true;
		if (rc < 0 || a.error) {
			bad("%s: no failure injected, yet %s (%s)", kind_names[cfg.kind],
			    rc < 0 ? strerror(err) : strerror(a.error), a.msg);
		} else if (!outcome_ok(&a, &after, &now)) {
			bad("%s: succeeded untouched, but the table is not what it makes",
			    kind_names[cfg.kind]);
			print_table("expected", &after);
			print_table("found", &now);
		}
		return;
	}
	c->injected++;
	if (!traced)
		snprintf(site, sizeof(site), "no trace in the kernel log");
	if (rc == -1) {
		/* the request itself was not sent */
		c->unsent++;
		printf("nth %d: not sent: %s [at %s]\n", nth, strerror(err), site);
		if (!same_table(&now, &base)) {
			bad("%s nth %d: not sent, but the table changed", kind_names[cfg.kind], nth);
			print_table("before", &base);
			print_table("found", &now);
		}
		return;
	}
	if (rc == -2) {
		/* only the answer failed: the request ran to its end */
		c->lost++;
		printf("nth %d: answer lost: %s [at %s]\n", nth, strerror(err), site);
		if (!same_table(&now, &after)) {
			bad("%s nth %d: only the answer was lost, but the table is not what the request makes",
			    kind_names[cfg.kind], nth);
			print_table("expected", &after);
			print_table("found", &now);
		}
		return;
	}
	if (a.error) {
		c->errors++;
		printf("nth %d: %s, extack \"%s\" [at %s]\n", nth, strerror(a.error), a.msg, site);
		if (!traced) {
			/*
			 * A __GFP_NOWARN allocation fails without a report:
			 * its error may be the classifier's (bpf_convert_filter()
			 * under bpf_prog_create()), so it needs a message too.
			 */
			c->untraced++;
			if (!a.msg[0] && cfg.require_extack)
				bad("%s nth %d: an allocation failed without a report, and the error has no extack message",
				    kind_names[cfg.kind], nth);
		}
		if (ours) {
			c->ours++;
			if (a.msg[0])
				c->ours_msg++;
			if (cfg.require_extack && !a.msg[0])
				bad("%s nth %d: the classifier's allocation failed and the error has no extack message",
				    kind_names[cfg.kind], nth);
			else if (cfg.require_extack &&
				 (a.error == ENOMEM || a.error == ENOBUFS) &&
				 !strcasestr(a.msg, "memory"))
				bad("%s nth %d: the classifier's allocation failed, and the message does not say so",
				    kind_names[cfg.kind], nth);
		}
		if (!same_table(&now, &base)) {
			bad("%s nth %d: failed, but the table changed", kind_names[cfg.kind], nth);
			print_table("before", &base);
			print_table("found", &now);
		}
		return;
	}
	c->absorbed++;
	printf("nth %d: absorbed, the request succeeded [at %s]\n", nth, site);
	if (!outcome_ok(&a, &after, &now)) {
		bad("%s nth %d: succeeded, but the table is not what it makes",
		    kind_names[cfg.kind], nth);
		print_table("expected", &after);
		print_table("found", &now);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: failnth --dev DEV --kind cbpf-add|ebpf-add|act-add|replace|delete|dump|offload-add [--require-extack] [--max N]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	int i, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--require-extack")) {
			cfg.require_extack = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--dev")) {
			cfg.dev = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--max")) {
			cfg.max = atoi(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "--kind")) {
			i++;
			for (k = 0; k < NKINDS; k++)
				if (!strcmp(argv[i], kind_names[k]))
					cfg.kind = k;
			if (cfg.kind == NKINDS)
				usage();
		} else {
			usage();
		}
	}
	if (!cfg.dev || cfg.kind == NKINDS || cfg.max < 1)
		usage();
}

int main(int argc, char **argv)
{
	const struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	struct counts c = { 0 };
	bool done = false;
	__u32 bound = 0;
	int nth;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!(cfg.ifindex = if_nametoindex(cfg.dev)))
		nl_die("no device %s", cfg.dev);
	/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK. */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited))
		nl_die("setrlimit(RLIMIT_MEMLOCK): %s", strerror(errno));
	if (cfg.kind == OFFLOAD_ADD)
		bound = cfg.ifindex;
	cfg.prog_a = load_ret(TC_ACT_OK, bound);
	cfg.prog_b = load_ret(TC_ACT_SHOT, bound);
	cfg.id_a = prog_id(cfg.prog_a);
	cfg.id_b = prog_id(cfg.prog_b);
	cfg.sk = nl_open();
	cfg.nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (cfg.nth_fd < 0)
		nl_die("/proc/thread-self/fail-nth: %s (a kernel with CONFIG_FAULT_INJECTION)",
		       strerror(errno));
	cfg.kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (cfg.kmsg_fd < 0 || lseek(cfg.kmsg_fd, 0, SEEK_END) < 0)
		nl_die("/dev/kmsg: %s", strerror(errno));
	/* No page fault of ours may meet an injected failure. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		nl_die("mlockall: %s", strerror(errno));

	for (nth = 1; !done && nth <= cfg.max; nth++)
		one_run(nth, &c, &done);
	if (!done)
		bad("%s: still injecting after %d runs", kind_names[cfg.kind], cfg.max);
	/* every kind but delete and dump allocates in the classifier */
	if (cfg.kind != DELETE && cfg.kind != DUMP && !c.ours)
		bad("%s: no injected failure was attributed to the classifier (is the kernel log readable?)",
		    kind_names[cfg.kind]);

	reset_base();
	printf("failnth %s: runs %d, injected %d, not sent %d, errors %d (without a report %d), absorbed %d, answer lost %d, classifier's own %d (with message %d)\n",
	       kind_names[cfg.kind], c.runs, c.injected, c.unsent, c.errors, c.untraced, c.absorbed,
	       c.lost, c.ours, c.ours_msg);
	return failures ? 1 : 0;
}
