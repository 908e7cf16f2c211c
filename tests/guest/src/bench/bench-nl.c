// SPDX-License-Identifier: GPL-2.0
/*
 * Control-plane benchmark client of tests/guest/bench (raw NETLINK_ROUTE, libc
 * only): the kernel's cost of N bpf filters in one prio of a clsact
 * ingress hook, without tc's own parsing on top.
 *
 *   bench-nl phases IFNAME N kernel|explicit [GETS]
 *	one shared eBPF program (direct action, TC_ACT_OK); N adds (handle 0
 *	or 1..N), one dump, N replaces, GETS gets spread over the handles
 *	(default 1000), N deletes. Requests are pipelined, 64 to a sendmsg,
 *	each acknowledged. Prints "PHASE N SECONDS" per phase (guest clock,
 *	CLOCK_MONOTONIC) and fails on any error. With BENCH_NL_TRACE=FILE
 *	(tracefs' tracing_on) and BENCH_NL_TRACE_ADDS=K, it writes 1 to FILE
 *	before the last K adds and 0 after them (the caller profiles those),
 *	and runs the add phase only.
 *   bench-nl pin PATH RET
 *	load "r0 = RET; exit" as a SCHED_CLS program and pin it at PATH.
 *   bench-nl tcx-attach IFNAME PROG_PATH LINK_PATH
 *	attach the pinned program to IFNAME's tcx ingress through a bpf link
 *	pinned at LINK_PATH (unlink it to detach). Exits 3 when the kernel
 *	has no tcx (the caller's feature probe), 1 on other errors.
 */
#include "nlmsg.h"
#include "bpfprog.h"

#include <net/if.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <sys/syscall.h>

#define PIPELINE	64
#define BENCH_PRIO	1
/* Newer than the build host's UAPI headers (v6.6, e420bed02507). */
#define BENCH_TCX_INGRESS	46

static char batch[PIPELINE * 512];
static unsigned int batch_len, batch_n;
static __u32 batch_seq;
static int sk, ifindex, prog_fd;
static __u32 *handles;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int load_ret(int ret)
{
	int fd = bpf_load_ret(BPF_PROG_TYPE_SCHED_CLS, ret, 0);

	if (fd < 0)
		nl_die("BPF_PROG_LOAD: %s", strerror(errno));
	return fd;
}

/* Read acks until every request of the batch has its NLMSG_ERROR. */
static void batch_acks(const char *what)
{
	static char buf[NL_RECV_SPACE];
	struct nlmsghdr *h;
	unsigned int acked = 0;
	char msg[NL_MSG_MAX];
	ssize_t len;

	while (acked < batch_n) {
		len = recv(sk, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			nl_die("%s: recv: %s", what, strerror(errno));
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			const struct nlmsgerr *err = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (err->error) {
				nl_extack(h, msg, sizeof(msg));
				nl_die("%s: request %u: %s (%s)", what, h->nlmsg_seq,
				       strerror(-err->error), msg);
			}
			acked++;
		}
	}
}

static void batch_flush(const char *what)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (!batch_n)
		return;
	if (sendto(sk, batch, batch_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		nl_die("%s: sendto: %s", what, strerror(errno));
	batch_acks(what);
	batch_len = 0;
	batch_n = 0;
}

static void batch_add(struct nl_req *req, const char *what)
{
	if (batch_len + NLMSG_ALIGN(req->n.nlmsg_len) > sizeof(batch))
		batch_flush(what);
	req->n.nlmsg_seq = ++batch_seq;
	memcpy(batch + batch_len, req, req->n.nlmsg_len);
	batch_len += NLMSG_ALIGN(req->n.nlmsg_len);
	if (++batch_n == PIPELINE)
		batch_flush(what);
}

static void filter_req(struct nl_req *req, __u16 type, __u16 flags, __u32 handle)
{
	nl_init(req, type, flags | NLM_F_ACK);
	req->t.tcm_ifindex = ifindex;
	req->t.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
	req->t.tcm_info = TC_H_MAKE(BENCH_PRIO << 16, htons(ETH_P_ALL));
	req->t.tcm_handle = handle;
	nl_put(req, TCA_KIND, "bpf", 4);
}

static void put_prog(struct nl_req *req)
{
	struct rtattr *opts = nl_nest_start(req, TCA_OPTIONS);

	nl_put_u32(req, TCA_BPF_FD, (__u32)prog_fd);
	nl_put(req, TCA_BPF_NAME, "bench", 6);
	nl_put_u32(req, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	nl_nest_end(req, opts);
}

/* trace_window(ON): BENCH_NL_TRACE's tracing_on, if set, to ON. */
static void trace_window(const char *on)
{
	const char *path = getenv("BENCH_NL_TRACE");
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (!f || fputs(on, f) < 0 || fclose(f))
		nl_die("%s: %s", path, strerror(errno));
}

static void phase_add(int n, bool explicit)
{
	const char *adds = getenv("BENCH_NL_TRACE_ADDS");
	int i, traced = adds && getenv("BENCH_NL_TRACE") ? atoi(adds) : 0;
	static struct nl_req req;

	for (i = 0; i < n; i++) {
		if (traced && i == (traced < n ? n - traced : 0)) {
			batch_flush("add");
			trace_window("1");
		}
		filter_req(&req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL,
			   explicit ? (__u32)i + 1 : 0);
		put_prog(&req);
		batch_add(&req, "add");
	}
	batch_flush("add");
	if (traced)
		trace_window("0");
}

/* One dump; it also learns the handles (kernel-chosen ones included). */
static void phase_dump(int n)
{
	static struct nl_req req;
	struct nl_answer a = { 0 };
	int i, got = 0;

	nl_init(&req, RTM_GETTFILTER, NLM_F_DUMP);
	req.t.tcm_ifindex = ifindex;
	req.t.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
	if (nl_talk(sk, &req, &a) < 0 || a.error)
		nl_die("dump: %s", a.error ? strerror(a.error) : "no answer");
	for (i = 0; i < a.nfilters; i++) {
		if (!a.filters[i].handle)	/* the prio's own entry */
			continue;
		if (got == n)
			nl_die("dump: more than %d filters", n);
		handles[got++] = a.filters[i].handle;
	}
	if (got != n)
		nl_die("dump: %d filters, expected %d", got, n);
	free(a.filters);
}

static void phase_replace(int n)
{
	static struct nl_req req;
	int i;

	for (i = 0; i < n; i++) {
		filter_req(&req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_REPLACE, handles[i]);
		put_prog(&req);
		batch_add(&req, "replace");
	}
	batch_flush("replace");
}

static void phase_get(int n, int gets)
{
	static struct nl_req req;
	int i;

	for (i = 0; i < gets; i++) {
		filter_req(&req, RTM_GETTFILTER, 0, handles[(long)i * n / gets]);
		batch_add(&req, "get");
	}
	batch_flush("get");
}

static void phase_delete(int n)
{
	static struct nl_req req;
	int i;

	for (i = 0; i < n; i++) {
		filter_req(&req, RTM_DELTFILTER, 0, handles[i]);
		batch_add(&req, "delete");
	}
	batch_flush("delete");
}

/* Print the phase that began at START; returns when the next one begins. */
static double report(const char *phase, int n, double start)
{
	printf("%s %d %.6f\n", phase, n, now() - start);
	fflush(stdout);
	return now();
}

static int phases(const char *dev, int n, const char *mode, int gets)
{
	bool explicit = !strcmp(mode, "explicit");
	double t;

	if (!explicit && strcmp(mode, "kernel"))
		nl_die("handles must be kernel or explicit, not %s", mode);
	ifindex = (int)if_nametoindex(dev);
	if (!ifindex)
		nl_die("no device %s", dev);
	handles = calloc((size_t)n, sizeof(*handles));
	if (!handles || n <= 0 || gets <= 0)
		nl_die("bad count");
	sk = nl_open();
	prog_fd = load_ret(0);	/* TC_ACT_OK */
	t = now();
	phase_add(n, explicit);
	t = report("add", n, t);
	if (getenv("BENCH_NL_TRACE") && getenv("BENCH_NL_TRACE_ADDS"))
		return 0;
	phase_dump(n);
	t = report("dump", n, t);
	phase_replace(n);
	t = report("replace", n, t);
	phase_get(n, gets);
	t = report("get", gets, t);
	phase_delete(n);
	report("delete", n, t);
	return 0;
}

static void obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = (__u32)fd;
	attr.pathname = (__u64)(unsigned long)path;
	if (sys_bpf(BPF_OBJ_PIN, &attr))
		nl_die("pin %s: %s", path, strerror(errno));
}

static int pin(const char *path, int ret)
{
	obj_pin(load_ret(ret), path);
	return 0;
}

static int tcx_attach(const char *dev, const char *prog_path, const char *link_path)
{
	union bpf_attr attr;
	int fd, link;

	ifindex = (int)if_nametoindex(dev);
	if (!ifindex)
		nl_die("no device %s", dev);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (__u64)(unsigned long)prog_path;
	fd = (int)sys_bpf(BPF_OBJ_GET, &attr);
	if (fd < 0)
		nl_die("%s: %s", prog_path, strerror(errno));
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (__u32)fd;
	attr.link_create.target_fd = (__u32)ifindex;
	attr.link_create.attach_type = BENCH_TCX_INGRESS;
	link = (int)sys_bpf(BPF_LINK_CREATE, &attr);
	if (link < 0) {
		fprintf(stderr, "bench-nl: tcx link: %s\n", strerror(errno));
		return errno == EINVAL ? 3 : 1;
	}
	obj_pin(link, link_path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "phases"))
		return phases(argv[2], atoi(argv[3]), argv[4], argc > 5 ? atoi(argv[5]) : 1000);
	if (argc == 4 && !strcmp(argv[1], "pin"))
		return pin(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "tcx-attach"))
		return tcx_attach(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: bench-nl phases IFNAME N kernel|explicit [GETS]\n"
		"       bench-nl pin PATH RET\n"
		"       bench-nl tcx-attach IFNAME PROG_PATH LINK_PATH\n");
	return 2;
}
