/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw NETLINK_ROUTE for the guest programs (src/fuzz/fuzz.c and
 * src/libbpf/tc_client.c): build a tc request attribute by attribute,
 * send it with NETLINK_EXT_ACK on, and read the answer (echoed filters,
 * dump parts, the error and its extack message).  libc only.
 */
#ifndef CLS_BPF_TESTS_NLMSG_H
#define CLS_BPF_TESTS_NLMSG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

/* Each program uses part of these helpers. */
#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef TCA_CHAIN
#define TCA_CHAIN 11
#endif

/* Large enough for 4097 classic BPF instructions and some actions. */
#define NL_REQ_SPACE	(40 * 1024)
#define NL_RECV_SPACE	(256 * 1024)
#define NL_MSG_MAX	256

struct nl_req {
	struct nlmsghdr n;
	struct tcmsg t;
	char buf[NL_REQ_SPACE];
};

/* One filter as an echo or a dump reports it. */
struct nl_filter {
	__u32 ifindex, parent, handle, chain, prio, protocol;
	__u32 prog_id, flags, gen_flags, classid;
	bool has_options;
	char kind[16];
};

/* What the kernel answered to one request. */
struct nl_answer {
	int error;			/* 0 or a positive errno */
	char msg[NL_MSG_MAX];		/* extack message, "" if none */
	int nfilters;			/* filters echoed or dumped */
	struct nl_filter *filters;	/* grown as needed, owned by the caller */
	int cap;
};

static __maybe_unused void nl_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static __maybe_unused int nl_open(void)
{
	int one = 1, sk, rcvbuf = 4 << 20;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		nl_die("netlink socket: %s", strerror(errno));
	if (setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		nl_die("NETLINK_EXT_ACK: %s", strerror(errno));
	setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return sk;
}

static __maybe_unused void nl_init(struct nl_req *req, __u16 type, __u16 flags)
{
	memset(&req->n, 0, sizeof(req->n));
	memset(&req->t, 0, sizeof(req->t));
	req->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	req->n.nlmsg_type = type;
	req->n.nlmsg_flags = NLM_F_REQUEST | flags;
	req->t.tcm_family = AF_UNSPEC;
}

static __maybe_unused struct rtattr *nl_tail(struct nl_req *req)
{
	return (struct rtattr *)((char *)&req->n + NLMSG_ALIGN(req->n.nlmsg_len));
}

/*
 * Append an attribute whose header says HDRLEN bytes of payload while LEN
 * bytes of DATA follow (HDRLEN != LEN makes truncated or lying attributes).
 */
static __maybe_unused struct rtattr *nl_put_raw(struct nl_req *req, unsigned short type,
				 const void *data, unsigned int len,
				 unsigned int hdrlen)
{
	struct rtattr *rta = nl_tail(req);
	unsigned int total = NLMSG_ALIGN(req->n.nlmsg_len) + RTA_ALIGN(RTA_LENGTH(len));

	if (total > sizeof(*req) || RTA_LENGTH(hdrlen) > 0xffff)
		nl_die("netlink request too large");
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(hdrlen);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	memset((char *)RTA_DATA(rta) + len, 0, RTA_ALIGN(RTA_LENGTH(len)) - RTA_LENGTH(len));
	req->n.nlmsg_len = total;
	return rta;
}

static __maybe_unused struct rtattr *nl_put(struct nl_req *req, unsigned short type,
			     const void *data, unsigned int len)
{
	return nl_put_raw(req, type, data, len, len);
}

static __maybe_unused void nl_put_u32(struct nl_req *req, unsigned short type, __u32 v)
{
	nl_put(req, type, &v, sizeof(v));
}

static __maybe_unused void nl_put_u16(struct nl_req *req, unsigned short type, __u16 v)
{
	nl_put(req, type, &v, sizeof(v));
}

static __maybe_unused struct rtattr *nl_nest_start(struct nl_req *req, unsigned short type)
{
	return nl_put(req, type | NLA_F_NESTED, NULL, 0);
}

static __maybe_unused void nl_nest_end(struct nl_req *req, struct rtattr *nest)
{
	nest->rta_len = (char *)nl_tail(req) - (char *)nest;
}

/*
 * nl_action_start: action ORDER (1, 2, ...) of a TCA_*_ACT list, of KIND;
 * the caller adds TCA_ACT_OPTIONS (or not) and ends the returned nest.
 */
static __maybe_unused struct rtattr *nl_action_start(struct nl_req *req, unsigned short order,
						     const char *kind)
{
	struct rtattr *act = nl_nest_start(req, order);

	nl_put(req, TCA_ACT_KIND, kind, strlen(kind) + 1);
	return act;
}

/* The NLMSGERR_ATTR_MSG string of an NLMSG_ERROR, if any. */
static __maybe_unused void nl_extack(const struct nlmsghdr *h, char *out, size_t size)
{
	const struct nlmsgerr *err = NLMSG_DATA(h);
	unsigned int off = NLMSG_HDRLEN + sizeof(*err);
	const struct rtattr *rta;
	int len;

	out[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off > h->nlmsg_len)
		return;
	rta = (const struct rtattr *)((const char *)h + off);
	len = (int)(h->nlmsg_len - off);
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(rta) > 0) {
			snprintf(out, size, "%.*s", (int)RTA_PAYLOAD(rta),
				 (const char *)RTA_DATA(rta));
			return;
		}
	}
}

static __maybe_unused __u32 rta_u32(const struct rtattr *rta)
{
	__u32 v = 0;

	if (RTA_PAYLOAD(rta) >= sizeof(v))
		memcpy(&v, RTA_DATA(rta), sizeof(v));
	return v;
}

static __maybe_unused void nl_parse_filter(const struct nlmsghdr *h, struct nl_filter *f)
{
	const struct tcmsg *t = NLMSG_DATA(h);
	const struct rtattr *rta, *o;
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*t)), olen;

	memset(f, 0, sizeof(*f));
	f->ifindex = (__u32)t->tcm_ifindex;
	f->parent = t->tcm_parent;
	f->handle = t->tcm_handle;
	f->prio = TC_H_MAJ(t->tcm_info) >> 16;
	f->protocol = TC_H_MIN(t->tcm_info);
	for (rta = (const struct rtattr *)((const char *)t + NLMSG_ALIGN(sizeof(*t)));
	     RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		switch (rta->rta_type) {
		case TCA_KIND:
			snprintf(f->kind, sizeof(f->kind), "%.*s",
				 (int)RTA_PAYLOAD(rta), (const char *)RTA_DATA(rta));
			break;
		case TCA_CHAIN:
			f->chain = rta_u32(rta);
			break;
		case TCA_OPTIONS:
			f->has_options = true;
			olen = (int)RTA_PAYLOAD(rta);
			for (o = RTA_DATA(rta); RTA_OK(o, olen); o = RTA_NEXT(o, olen)) {
				switch (o->rta_type) {
				case TCA_BPF_ID:
					f->prog_id = rta_u32(o);
					break;
				case TCA_BPF_FLAGS:
					f->flags = rta_u32(o);
					break;
				case TCA_BPF_FLAGS_GEN:
					f->gen_flags = rta_u32(o);
					break;
				case TCA_BPF_CLASSID:
					f->classid = rta_u32(o);
					break;
				}
			}
			break;
		}
	}
}

static __maybe_unused void nl_add_filter(struct nl_answer *a, const struct nlmsghdr *h)
{
	if (a->nfilters == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->filters = realloc(a->filters, a->cap * sizeof(*a->filters));
		if (!a->filters)
			nl_die("out of memory");
	}
	nl_parse_filter(h, &a->filters[a->nfilters++]);
}

/*
 * Send REQ and read until its NLMSG_ERROR (or NLMSG_DONE of a dump);
 * RTM_NEWTFILTER messages on the way (NLM_F_ECHO, dump parts) are kept.
 * Returns -1 if the request was not sent, -2 if its answer did not come
 * (the socket failed; errno says why), else 0.
 */
static __maybe_unused int nl_talk(int sk, struct nl_req *req, struct nl_answer *a)
{
	static char buf[NL_RECV_SPACE];
	static __u32 seq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	ssize_t len;

	a->error = 0;
	a->msg[0] = '\0';
	a->nfilters = 0;
	req->n.nlmsg_seq = ++seq;
	if (sendto(sk, req, req->n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	for (;;) {
		len = recv(sk, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -2;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == RTM_NEWTFILTER) {
				nl_add_filter(a, h);
			} else if (h->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&e, NLMSG_DATA(h), sizeof(e));
				a->error = e < 0 ? -e : e;
				return 0;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);

				a->error = -err->error;
				nl_extack(h, a->msg, sizeof(a->msg));
				return 0;
			}
		}
	}
}

#endif
