#!/usr/bin/env bash
# shellcheck shell=bash
# The guest side's one library (sourced by the runner and, through each
# suite's lib.sh, by every test), as the kernel selftests layer net/lib.sh
# under net/forwarding/lib.sh: what every suite shares lives here, with one
# meaning per name; a suite's lib.sh adds only its own helpers.
#
# Runs inside the test VM as root. Environment from the guest runner (run.sh):
#   TEST_ARTIFACTS    the guest inputs (tests/host/inputs/build.sh)
#   TEST_MODE         ours | baseline (baseline = the distro's in-tree cls_bpf)
#   TEST_KERNEL_LINE  the line of tests/kernels.list (for messages only:
#                     tests decide by probe results, never by line)
#   TEST_PROBES       our build's probe results for this kernel
#                     ("name=1 name=0 ...", modinfo -F cbpf_probes)
# Test exit codes: 0 PASS, 77 SKIP (with a reason), anything else FAIL.
# shellcheck disable=SC2034 # variables here are read by the suites
set -euo pipefail

ARTIFACTS=${TEST_ARTIFACTS:-/opt/cls-bpf-test/artifacts}
TEST_MODE=${TEST_MODE:-ours}
TEST_KERNEL_LINE=${TEST_KERNEL_LINE:-unknown}
TEST_PROBES=${TEST_PROBES:-}
TEST_NAME=$(basename "$0" .sh)
# Kernel splats: warnings, oopses, KASAN/KFENCE/slub reports, lockdep and
# RCU reports, stack overflows, RCU stalls. The one pattern of every check.
KERNEL_LOG_PATTERN='WARNING:|BUG:|BUG [a-z]|Oops|KASAN|KFENCE|slub|general protection|Call Trace|circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|detected stall|stack guard|stack-protector|kernel stack overflow'
NOT_OK=0
KERNEL_LOG_MARK=0

# --- results ----------------------------------------------------------------
# fail: the test failed, stop now. not_ok: a check failed, go on so that one
# run shows every difference (pass then fails the test). ok: a check held.
# pass: the end of a test: passed, unless a check was not_ok. skip: the test
# cannot run here (exit 77, with the reason).

log() { echo "# $*"; }
step() { echo "## [${EPOCHREALTIME:-}] $*"; }
ok() { echo "ok: $*"; }
not_ok() {
	echo "FAIL: $*"
	NOT_OK=$((NOT_OK + 1))
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}
pass() {
	if [[ $NOT_OK -gt 0 ]]; then
		echo "FAIL: $TEST_NAME: $NOT_OK check(s) failed ($TEST_KERNEL_LINE, $TEST_MODE)"
		exit 1
	fi
	echo "PASS: $TEST_NAME ($TEST_KERNEL_LINE, $TEST_MODE)"
	exit 0
}

# check DESC CMD...: a silent predicate, ok or not_ok.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

is_ours() { [[ "$TEST_MODE" == ours ]]; }

# wait_until SECONDS CMD...: poll (TCG guests are slow; frees are deferred).
wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@"; do
		i=$((i + 1))
		[[ $i -le $((limit * 5)) ]] || return 1
		sleep 0.2
	done
}

# --- probes -----------------------------------------------------------------

# have_probe NAME: our build found that kernel API form on this kernel.
have_probe() { [[ " $TEST_PROBES " == *" $1=1 "* ]]; }

# --- the kernel log ---------------------------------------------------------

kernel_log_mark() { KERNEL_LOG_MARK=$(dmesg | wc -l); }

# kernel_log_without_injected: the kernel log on stdin minus the reports of
# failures the faults suite injects on purpose: "FAULT_INJECTION: forcing a
# failure" and the trace lines right after it, up to "</TASK>", and the
# allocator's own report of that failed allocation ("page allocation
# failure" or "vmalloc error" and its trace) when it comes within 3 lines.
# Skipping stops at the first line that is not part of such a trace, so a
# report printed in between (or a trace cut short) is still seen.
kernel_log_without_injected() {
	awk 'function trace_line(l) {
			sub(/^\[ *[0-9.]+\] /, "", l)
			return l ~ /^ *(\? )?[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?$/ ||
				l ~ /^ *<\/?(TASK|IRQ|NMI|SOFTIRQ)>$/ ||
				l ~ /^ *name (failslab|fail_page_alloc|fail_usercopy|fail_futex),/ ||
				l ~ /^(CPU|Hardware name|Call Trace|RIP|Code|R[0-9A-Z][0-9A-Z]|FS|GS|CS|DS|ES|CR[0-9]|DR[0-9]|PKRU|Workqueue|Tainted)[: ]/
		}
		/FAULT_INJECTION: forcing a failure/ { skip = 1; next }
		after > 0 && /(page allocation failure|vmalloc error): / { skip = 1; next }
		skip && trace_line($0) { if (/<\/TASK>/) { skip = 0; after = 4 } next }
		{ skip = 0; if (after > 0) after--; print }'
}

# kernel_log_clean: no splat since kernel_log_mark (prints it if there is).
kernel_log_clean() {
	local new
	new=$(dmesg | tail -n "+$((KERNEL_LOG_MARK + 1))" | kernel_log_without_injected |
		grep -E -A5 "$KERNEL_LOG_PATTERN" | head -n 40) || true
	[[ -z "$new" ]] && return 0
	echo "$new"
	return 1
}

# kernel_log_check WHAT: fail on a splat since kernel_log_mark.
kernel_log_check() {
	kernel_log_clean || fail "$1: kernel log above"
	log "ok: $1: no kernel splat"
}

# --- modules ----------------------------------------------------------------

# module_decompress PATH: a module file's contents, decompressed (busybox
# insmod and grep -a need the plain ELF).
module_decompress() {
	case "$1" in
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -qdc "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# intree_module_path: the kernel's own cls_bpf (dkms >= 3.1 moves the
# original it replaces to original_module/).
intree_module_path() {
	local krel
	krel=$(uname -r)
	{ compgen -G "/lib/modules/$krel/kernel/net/sched/cls_bpf.ko*" ||
		compgen -G "/var/lib/dkms/*/original_module/$krel/*/cls_bpf.ko*"; } |
		grep -v '\.origin$' | head -n 1
}

module_loaded() { [[ -d /sys/module/cls_bpf ]]; }

# unload MODULE: rmmod, retried for 60 s: what held it (actions, filters of
# deleted namespaces) is freed asynchronously.
unload() {
	local i
	for ((i = 0; i < 120; i++)); do
		[[ -d /sys/module/$1 ]] || return 0
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	fail "$1 stays loaded (refcount $(cat "/sys/module/$1/refcnt" 2>/dev/null))"
}
