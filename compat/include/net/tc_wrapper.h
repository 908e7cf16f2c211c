/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Found only where the kernel has no net/tc_wrapper.h (Kbuild adds this
 * directory with -idirafter): before v6.3 "net/sched: add retpoline wrapper
 * for tc", classifiers were always called through tp->classify, and
 * upstream's TC_INDIRECT_SCOPE is plain static.
 */
#ifndef CBPF_TC_WRAPPER_H
#define CBPF_TC_WRAPPER_H

#define TC_INDIRECT_SCOPE static

#endif
