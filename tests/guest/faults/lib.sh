#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the faults suite (sourced by every NN-name.sh), on top of the
# robustness suite's lib.sh (namespaces, netdevsim ports, program counts,
# loading either cls_bpf): the kernel's fault injection (failslab,
# fail_page_alloc, /proc/thread-self/fail-nth) set up for the sweep. The
# suite runs on the debug kernels (tests/kernels.list, column 4), whose
# configuration has fault injection; on any other kernel it fails.
# shellcheck disable=SC2034 # variables here are read by the test scripts
# shellcheck source=SCRIPTDIR/../robustness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../robustness/lib.sh"

FAILNTH=$ARTIFACTS/failnth
FAULT_ATTRS=(failslab fail_page_alloc)
PRINTK_BEFORE=''

# faults_setup: fail-nth failures on every slab and page allocation a task
# makes (sleeping ones too, order 0 too), each reported with a trace in the
# kernel log, no rate limit, and none on the console (it would crawl).
faults_setup() {
	local attr dir
	[[ -x "$FAILNTH" ]] || fail "missing artifact $FAILNTH"
	[[ -e /proc/thread-self/fail-nth ]] ||
		fail "no /proc/thread-self/fail-nth: $(uname -r) has no fault injection (the faults suite is for the debug kernels)"
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug ||
		fail "debugfs not mounted"
	for attr in "${FAULT_ATTRS[@]}"; do
		dir=/sys/kernel/debug/$attr
		[[ -d "$dir" ]] || fail "no $dir (CONFIG_FAULT_INJECTION_DEBUG_FS)"
		echo 0 >"$dir/probability"
		echo N >"$dir/ignore-gfp-wait"
		echo N >"$dir/task-filter"
		echo 2 >"$dir/verbose"
		echo 0 >"$dir/verbose_ratelimit_interval_ms"
	done
	echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
	PRINTK_BEFORE=$(cut -f 1 /proc/sys/kernel/printk)
	echo 1 >/proc/sys/kernel/printk
}

# faults_restore: the console's log level as it was (the attributes do
# nothing without a fail-nth write or a probability).
faults_restore() {
	[[ -z "$PRINTK_BEFORE" ]] || echo "$PRINTK_BEFORE" >/proc/sys/kernel/printk
	PRINTK_BEFORE=''
}

# sweep NS DEV KIND ARGS...: the sweep of one kind of request on DEV in NS
# ("" for the initial namespace); its summary line goes to the log.
sweep() {
	local ns=$1 dev=$2 kind=$3 exec=()
	shift 3
	[[ -z "$ns" ]] || exec=(ip netns exec "$ns")
	step "fault-injection sweep: $kind on $dev"
	"${exec[@]}" "$FAILNTH" --dev "$dev" --kind "$kind" "$@" >"$TEST_OUTDIR/failnth-$kind.log" 2>&1 || {
		grep -E '^(FAIL|failnth|  )' "$TEST_OUTDIR/failnth-$kind.log" | head -n 60 || true
		tail -n 5 "$TEST_OUTDIR/failnth-$kind.log" || true
		not_ok "sweep of $kind (log: failnth-$kind.log)"
		return 0
	}
	grep -E '^nth ' "$TEST_OUTDIR/failnth-$kind.log" | sed 's/^nth [0-9]*: //' | sort | uniq -c | sort -rn | head -n 20 || true
	grep '^failnth ' "$TEST_OUTDIR/failnth-$kind.log" || true
	ok "sweep of $kind"
}

# --- kmemleak ----------------------------------------------------------------
KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_start: forget every object reported so far (the debug kernels
# boot with kmemleak=on).
kmemleak_start() {
	[[ -w "$KMEMLEAK" ]] || fail "no $KMEMLEAK: boot the debug kernel with kmemleak=on"
	echo clear >"$KMEMLEAK" || fail "kmemleak is not running (disabled itself? see dmesg)"
}

# kmemleak_check WHAT: scan (twice, as kmemleak's documentation advises:
# an object freed during a scan can look unreferenced) and fail on any
# unreferenced object allocated since kmemleak_start.
kmemleak_check() {
	local report
	# (a kmemleak that disabled itself refuses a scan: EPERM)
	echo scan >"$KMEMLEAK" || fail "kmemleak is not running (disabled itself? see dmesg)"
	sleep 1
	echo scan >"$KMEMLEAK" || fail "kmemleak is not running (disabled itself? see dmesg)"
	report=$(cat "$KMEMLEAK")
	if [[ -n "$report" ]]; then
		head -n 80 <<<"$report"
		not_ok "$1: kmemleak reports $(grep -c '^unreferenced object' <<<"$report") unreferenced objects"
	else
		ok "$1: kmemleak finds no unreferenced object"
	fi
}
