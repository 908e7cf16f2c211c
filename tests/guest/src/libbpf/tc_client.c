// SPDX-License-Identifier: GPL-2.0
/*
 * tc_client - drive cls_bpf the way libbpf users and raw netlink users do.
 *
 * Built statically against the build host's libbpf (tests/host/inputs/build.sh)
 * so the same binary runs in every release's guest.
 *
 *   tc_client hook-create  DEV ingress|egress
 *   tc_client hook-destroy DEV ingress|egress|both
 *   tc_client attach DEV DIR OBJ PROG [handle N] [prio N] [replace]
 *   tc_client query  DEV DIR HANDLE PRIO
 *   tc_client detach DEV DIR HANDLE PRIO
 *   tc_client raw    DEV CASE [handle N] [prio N] [replace] [egress]
 *   tc_client pin    OBJ DIR
 *   tc_client replace-loop DEV DIR PINNED_A PINNED_B COUNT handle N prio N
 *   tc_client counters PINNED_MAP SLOTS
 *   tc_client udp-flood ADDR
 *
 * The libbpf subcommands print "rc=N" (0 or -errno) and, on success of
 * attach/query, "prog_id=N handle=N priority=N"; they exit 0 only on rc=0.
 *
 * "raw" sends one hand-built RTM_NEWTFILTER (kind "bpf", parent clsact
 * ingress unless "egress") without libbpf's netlink code and prints
 * "errno=N name=NAME msg=EXTACK" from the kernel's answer; it exits 0
 * whenever the kernel answered.  CASE is one of: ok, cbpf-ok, none,
 * both-fd-ops, bad-flags, bad-gen-flags, unknown-gen-flags, skip-hw,
 * ops-len-mismatch, ops-len-zero, fd-closed, fd-file, fd-map, fd-xdp,
 * skip-sw.
 *
 * "pin" loads every program and map of OBJ (libbpf, section types) and pins
 * them as DIR/NAME.  "replace-loop" replaces the filter HANDLE/PRIO COUNT
 * times through bpf_tc_attach(BPF_TC_F_REPLACE), alternating the two pinned
 * programs, and prints "replaced=N failed=N".  "counters" prints the u64
 * values of an array map as "N N ...".  "udp-flood" sends datagrams to
 * ADDR port 9 until it is killed.
 */
#include "nlmsg.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct opts {
	unsigned int handle;
	unsigned int prio;
	bool replace;
	bool egress;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: tc_client hook-create DEV ingress|egress\n"
		"       tc_client hook-destroy DEV ingress|egress|both\n"
		"       tc_client attach DEV DIR OBJ PROG [handle N] [prio N] [replace]\n"
		"       tc_client query DEV DIR HANDLE PRIO\n"
		"       tc_client detach DEV DIR HANDLE PRIO\n"
		"       tc_client raw DEV CASE [handle N] [prio N] [replace] [egress]\n"
		"       tc_client pin OBJ DIR\n"
		"       tc_client replace-loop DEV DIR PINNED_A PINNED_B COUNT handle N prio N\n"
		"       tc_client counters PINNED_MAP SLOTS\n"
		"       tc_client udp-flood ADDR\n");
	exit(2);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "tc_client: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static unsigned int parse_uint(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v > 0xffffffffUL)
		die("bad number '%s'", s);
	return (unsigned int)v;
}

static int dev_ifindex(const char *dev)
{
	unsigned int ifindex = if_nametoindex(dev);

	if (!ifindex)
		die("no such device '%s'", dev);
	return (int)ifindex;
}

static enum bpf_tc_attach_point parse_dir(const char *s, bool both_ok)
{
	if (!strcmp(s, "ingress"))
		return BPF_TC_INGRESS;
	if (!strcmp(s, "egress"))
		return BPF_TC_EGRESS;
	if (both_ok && !strcmp(s, "both"))
		return BPF_TC_INGRESS | BPF_TC_EGRESS;
	die("bad direction '%s'", s);
	return 0;
}

/* Parse trailing "handle N", "prio N", "replace", "egress" words. */
static void parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "handle") && i + 1 < argc)
			o->handle = parse_uint(argv[++i]);
		else if (!strcmp(argv[i], "prio") && i + 1 < argc)
			o->prio = parse_uint(argv[++i]);
		else if (!strcmp(argv[i], "replace"))
			o->replace = true;
		else if (!strcmp(argv[i], "egress"))
			o->egress = true;
		else
			die("bad option '%s'", argv[i]);
	}
}

static int report_rc(int rc)
{
	printf("rc=%d%s%s\n", rc, rc ? " " : "", rc ? strerror(-rc) : "");
	return rc ? 1 : 0;
}

static void report_opts(const struct bpf_tc_opts *o)
{
	printf("prog_id=%u handle=%u priority=%u\n",
	       o->prog_id, o->handle, o->priority);
}

static int cmd_hook(int argc, char **argv, bool create)
{
	LIBBPF_OPTS(bpf_tc_hook, hook);

	if (argc != 2)
		usage();
	hook.ifindex = dev_ifindex(argv[0]);
	hook.attach_point = parse_dir(argv[1], !create);
	return report_rc(create ? bpf_tc_hook_create(&hook) :
			 bpf_tc_hook_destroy(&hook));
}

static struct bpf_object *load_object(const char *path, const char *name,
				      int *prog_fd)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(path, NULL);
	err = libbpf_get_error(obj);
	if (err)
		die("open %s: %s", path, strerror(-err));
	prog = bpf_object__find_program_by_name(obj, name);
	if (!prog)
		die("no program '%s' in %s", name, path);
	bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS);
	err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", path, strerror(-err));
	*prog_fd = bpf_program__fd(prog);
	return obj;
}

static int cmd_attach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_tc_hook, hook);
	LIBBPF_OPTS(bpf_tc_opts, topts);
	struct bpf_object *obj;
	struct opts o = {};
	int fd, rc;

	if (argc < 4)
		usage();
	parse_opts(argc - 4, argv + 4, &o);
	hook.ifindex = dev_ifindex(argv[0]);
	hook.attach_point = parse_dir(argv[1], false);
	obj = load_object(argv[2], argv[3], &fd);

	topts.prog_fd = fd;
	topts.handle = o.handle;
	topts.priority = o.prio;
	topts.flags = o.replace ? BPF_TC_F_REPLACE : 0;
	rc = bpf_tc_attach(&hook, &topts);
	report_rc(rc);
	if (!rc)
		report_opts(&topts);
	bpf_object__close(obj);
	return rc ? 1 : 0;
}

static int cmd_query_detach(int argc, char **argv, bool query)
{
	LIBBPF_OPTS(bpf_tc_hook, hook);
	LIBBPF_OPTS(bpf_tc_opts, topts);
	int rc;

	if (argc != 4)
		usage();
	hook.ifindex = dev_ifindex(argv[0]);
	hook.attach_point = parse_dir(argv[1], false);
	topts.handle = parse_uint(argv[2]);
	topts.priority = parse_uint(argv[3]);
	rc = query ? bpf_tc_query(&hook, &topts) : bpf_tc_detach(&hook, &topts);
	report_rc(rc);
	if (!rc && query)
		report_opts(&topts);
	return rc ? 1 : 0;
}

/* ---- raw netlink, no libbpf involved ---- */

/* "raw_ok": r0 = RET; exit, of TYPE */
static int load_raw_prog(enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	fd = bpf_prog_load(type, "raw_ok", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	if (fd < 0)
		die("bpf_prog_load: %s", strerror(errno));
	return fd;
}

/* What TCA_BPF_FD carries. */
enum raw_fd {
	FD_NONE,
	FD_PROG,	/* a SCHED_CLS program */
	FD_CLOSED,	/* a descriptor number that is not open (stays closed) */
	FD_FILE,	/* an open file that is no BPF object (/dev/null) */
	FD_MAP,		/* a BPF map */
	FD_XDP,		/* a BPF program of another type */
};

static int raw_fd(enum raw_fd kind)
{
	int fd;

	switch (kind) {
	case FD_PROG:
		return load_raw_prog(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	case FD_XDP:
		return load_raw_prog(BPF_PROG_TYPE_XDP, XDP_PASS);
	case FD_MAP:
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "raw_map", 4, 4, 1, NULL);
		if (fd < 0)
			die("bpf_map_create: %s", strerror(errno));
		return fd;
	case FD_FILE:
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open /dev/null: %s", strerror(errno));
		return fd;
	case FD_CLOSED:
		/* high: the netlink socket opened later must not take it */
		for (fd = 1000; fd > 100; fd--)
			if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
				return fd;
		die("no closed descriptor number between 100 and 1000");
	case FD_NONE:
		break;
	}
	die("no fd for kind %d", kind);
	return -1;
}

/* one classic BPF instruction: ret #-1 (use the filter's classid) */
static const struct sock_filter cbpf_ret_default = {
	.code = BPF_RET | BPF_K, .k = 0xffffffff,
};

struct raw_case {
	const char *name;
	enum raw_fd fd;		/* TCA_BPF_FD */
	int ops_len;		/* TCA_BPF_OPS_LEN, -1 = absent */
	bool ops;		/* TCA_BPF_OPS with one instruction */
	long flags;		/* TCA_BPF_FLAGS, -1 = absent */
	long gen_flags;		/* TCA_BPF_FLAGS_GEN, -1 = absent */
};

static const struct raw_case raw_cases[] = {
	{ "ok",                FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "cbpf-ok",           FD_NONE,    1, true,  -1, -1 },
	{ "none",              FD_NONE,   -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "both-fd-ops",       FD_PROG,    1, true,  TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "bad-flags",         FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT | 0x2, -1 },
	{ "bad-gen-flags",     FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT,
	  TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW },
	{ "unknown-gen-flags", FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT, 0x100 },
	{ "skip-hw",           FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT,
	  TCA_CLS_FLAGS_SKIP_HW },
	{ "ops-len-mismatch",  FD_NONE,    2, true,  -1, -1 },
	{ "ops-len-zero",      FD_NONE,    0, true,  -1, -1 },
	{ "fd-closed",         FD_CLOSED, -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "fd-file",           FD_FILE,   -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "fd-map",            FD_MAP,    -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "fd-xdp",            FD_XDP,    -1, false, TCA_BPF_FLAG_ACT_DIRECT, -1 },
	{ "skip-sw",           FD_PROG,   -1, false, TCA_BPF_FLAG_ACT_DIRECT,
	  TCA_CLS_FLAGS_SKIP_SW },
};

static const struct raw_case *find_raw_case(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++)
		if (!strcmp(raw_cases[i].name, name))
			return &raw_cases[i];
	die("unknown raw case '%s'", name);
	return NULL;
}

static void build_raw(struct nl_req *req, const struct raw_case *c,
		      const struct opts *o, int ifindex)
{
	struct rtattr *nest;

	nl_init(req, RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE |
		(o->replace ? 0 : NLM_F_EXCL));
	req->t.tcm_ifindex = ifindex;
	req->t.tcm_handle = o->handle;
	req->t.tcm_parent = TC_H_MAKE(TC_H_CLSACT, o->egress ?
				      TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
	req->t.tcm_info = TC_H_MAKE(o->prio << 16, htons(ETH_P_ALL));

	nl_put(req, TCA_KIND, "bpf", sizeof("bpf"));
	nest = nl_put(req, TCA_OPTIONS, NULL, 0);
	if (c->fd != FD_NONE) {
		nl_put_u32(req, TCA_BPF_FD, (__u32)raw_fd(c->fd));
		nl_put(req, TCA_BPF_NAME, "raw_ok", sizeof("raw_ok"));
	}
	if (c->ops_len >= 0)
		nl_put_u16(req, TCA_BPF_OPS_LEN, (__u16)c->ops_len);
	if (c->ops)
		nl_put(req, TCA_BPF_OPS, &cbpf_ret_default,
		       sizeof(cbpf_ret_default));
	if (c->flags >= 0)
		nl_put_u32(req, TCA_BPF_FLAGS, (__u32)c->flags);
	if (c->gen_flags >= 0)
		nl_put_u32(req, TCA_BPF_FLAGS_GEN, (__u32)c->gen_flags);
	nl_nest_end(req, nest);
}

/* Send REQ; print "errno=N name=NAME msg=EXTACK" from the answer. */
static int raw_talk(struct nl_req *req)
{
	struct nl_answer a = { 0 };
	int sk = nl_open();

	if (nl_talk(sk, req, &a) < 0)
		die("netlink: %s", strerror(errno));
	printf("errno=%d name=%s msg=%s\n", a.error,
	       a.error ? strerrorname_np(a.error) : "0", a.msg);
	free(a.filters);
	close(sk);
	return 0;
}

static int cmd_raw(int argc, char **argv)
{
	const struct raw_case *c;
	struct nl_req req;
	struct opts o = { .prio = 1 };

	if (argc < 2)
		usage();
	c = find_raw_case(argv[1]);
	parse_opts(argc - 2, argv + 2, &o);
	build_raw(&req, c, &o, dev_ifindex(argv[0]));
	return raw_talk(&req);
}

/* ---- replace under traffic (functional/54) ---- */

static int cmd_pin(int argc, char **argv)
{
	struct bpf_object *obj;
	int err;

	if (argc != 2)
		usage();
	obj = bpf_object__open_file(argv[0], NULL);
	err = libbpf_get_error(obj);
	if (err)
		die("open %s: %s", argv[0], strerror(-err));
	err = bpf_object__load(obj);
	if (err)
		die("load %s: %s", argv[0], strerror(-err));
	err = bpf_object__pin(obj, argv[1]);
	if (err)
		die("pin %s under %s: %s", argv[0], argv[1], strerror(-err));
	bpf_object__close(obj);
	return 0;
}

static int pinned_fd(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		die("bpf_obj_get %s: %s", path, strerror(errno));
	return fd;
}

static int cmd_replace_loop(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_tc_hook, hook);
	unsigned long i, count, failed = 0;
	struct opts o = {};
	int fds[2], rc, first_rc = 0;

	if (argc < 5)
		usage();
	parse_opts(argc - 5, argv + 5, &o);
	if (!o.handle || !o.prio)
		die("replace-loop needs handle N and prio N");
	hook.ifindex = dev_ifindex(argv[0]);
	hook.attach_point = parse_dir(argv[1], false);
	fds[0] = pinned_fd(argv[2]);
	fds[1] = pinned_fd(argv[3]);
	count = parse_uint(argv[4]);

	for (i = 0; i < count; i++) {
		LIBBPF_OPTS(bpf_tc_opts, topts,
			    .prog_fd = fds[i & 1],
			    .handle = o.handle,
			    .priority = o.prio,
			    .flags = BPF_TC_F_REPLACE);

		rc = bpf_tc_attach(&hook, &topts);
		if (rc) {
			failed++;
			if (!first_rc)
				first_rc = rc;
		}
	}
	printf("replaced=%lu failed=%lu", count - failed, failed);
	if (first_rc)
		printf(" first_error=%s", strerror(-first_rc));
	printf("\n");
	return failed ? 1 : 0;
}

static int cmd_counters(int argc, char **argv)
{
	unsigned int key, slots;
	__u64 value;
	int fd;

	if (argc != 2)
		usage();
	fd = pinned_fd(argv[0]);
	slots = parse_uint(argv[1]);
	for (key = 0; key < slots; key++) {
		if (bpf_map_lookup_elem(fd, &key, &value))
			die("lookup %s[%u]: %s", argv[0], key, strerror(errno));
		printf("%s%llu", key ? " " : "", (unsigned long long)value);
	}
	printf("\n");
	return 0;
}

static int cmd_udp_flood(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	static const char payload[] = "cls-bpf-test";
	int fd;

	if (argc != 1)
		usage();
	if (inet_pton(AF_INET, argv[0], &to.sin_addr) != 1)
		die("bad address '%s'", argv[0]);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)))
		die("udp socket to %s: %s", argv[0], strerror(errno));
	/* Errors (ICMP port unreachable, ENOBUFS) do not stop the flood. */
	for (;;)
		if (send(fd, payload, sizeof(payload), 0) < 0 && errno == EBADF)
			return 1;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "hook-create"))
		return cmd_hook(argc, argv, true);
	if (!strcmp(cmd, "hook-destroy"))
		return cmd_hook(argc, argv, false);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc, argv);
	if (!strcmp(cmd, "query"))
		return cmd_query_detach(argc, argv, true);
	if (!strcmp(cmd, "detach"))
		return cmd_query_detach(argc, argv, false);
	if (!strcmp(cmd, "raw"))
		return cmd_raw(argc, argv);
	if (!strcmp(cmd, "pin"))
		return cmd_pin(argc, argv);
	if (!strcmp(cmd, "replace-loop"))
		return cmd_replace_loop(argc, argv);
	if (!strcmp(cmd, "counters"))
		return cmd_counters(argc, argv);
	if (!strcmp(cmd, "udp-flood"))
		return cmd_udp_flood(argc, argv);
	usage();
	return 2;
}
