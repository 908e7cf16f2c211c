#!/usr/bin/env bash
# Guest-side test runner (runs inside the VM as root, started by guest-init.sh).
# First proves which cls_bpf is under test (ours from dkms, or the in-tree
# one in baseline mode), then runs every [0-9]*.sh of each suite directory
# in sorted order and writes to RESULTS:
#   results.txt      lines "PASS|FAIL|SKIP <suite>/<test>"
#   logs/<suite>/<test>.log, dmesg.txt, complete (written last)
# Usage: run.sh --mode ours|baseline --line LINE --version VERSION
#               --results DIR [--probes "name=1 ..."] [--timeout SECONDS]
#               [--scale N] [--seed S] [--env NAME=VALUE]... SUITE_DIR...
# Test exit codes: 0 = PASS, 77 = SKIP (must print a reason), else FAIL.
set -euo pipefail
# shellcheck source=tests/guest/lib.sh
. "$(dirname "$0")/lib.sh"

MODE='' LINE='' VERSION='' RESULTS='' PROBES='' TEST_TIMEOUT=300 SCALE=1 SEED=
SUITE_DIRS=()
TEST_ENV=()
KREL=$(uname -r)

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--mode) MODE=$2; shift 2 ;;
		--line) LINE=$2; shift 2 ;;
		--version) VERSION=$2; shift 2 ;;
		--results) RESULTS=$2; shift 2 ;;
		--probes) PROBES=$2; shift 2 ;;
		--timeout) TEST_TIMEOUT=$2; shift 2 ;;
		--scale) SCALE=$2; shift 2 ;;
		--seed) SEED=$2; shift 2 ;;
		--env) TEST_ENV+=("$2"); shift 2 ;;
		*) SUITE_DIRS+=("$1"); shift ;;
		esac
	done
	case "$MODE" in ours | baseline) ;; *) echo "run.sh: bad --mode '$MODE'" >&2; exit 2 ;; esac
	if [ -z "$LINE" ] || [ -z "$RESULTS" ]; then
		echo "run.sh: --line and --results are required" >&2
		exit 2
	fi
}

# record STATUS NAME: one result line, echoed to the console too.
record() {
	echo "$1 $2" >>"$RESULTS/results.txt"
	echo "run.sh: $1 $2"
}

kmsg() { echo "cls-bpf-test: $*" >/dev/kmsg 2>/dev/null || true; }

# --- which cls_bpf is under test -------------------------------------------

# Check that the loaded module really is the file modinfo resolves to.
same_srcversion() {
	local file=$1 want
	[ -r /sys/module/cls_bpf/srcversion ] || return 0
	want=$(modinfo -F srcversion "$file")
	[ "$want" = "$(cat /sys/module/cls_bpf/srcversion)" ]
}

prove_ours() {
	local path taint
	path=$(modinfo -n cls_bpf) || { echo "modinfo cannot find cls_bpf"; return 1; }
	echo "modinfo -n cls_bpf: $path"
	case "$path" in
	*/lib/modules/"$KREL"/updates/dkms/cls_bpf.ko*) ;;
	*) echo "not the dkms copy (expected /lib/modules/$KREL/updates/dkms/)"; return 1 ;;
	esac
	[ -d /sys/module/cls_bpf ] || modprobe cls_bpf || { echo "modprobe cls_bpf failed"; return 1; }
	echo "version: $(cat /sys/module/cls_bpf/version 2>/dev/null || echo none) (expected $VERSION)"
	[ "$(cat /sys/module/cls_bpf/version 2>/dev/null)" = "$VERSION" ] || return 1
	taint=$(cat /sys/module/cls_bpf/taint 2>/dev/null || true)
	echo "taint: '$taint' (expected to contain O)"
	[[ "$taint" == *O* ]] || return 1
	same_srcversion "$path" || { echo "loaded srcversion differs from $path"; return 1; }
	# Leave the module unloaded so the suites start from a clean state
	# (autoload tests); unloading itself is tested by the suites.
	rmmod cls_bpf || echo "warning: rmmod cls_bpf failed after the proof"
}

# Baseline: the VM booted the pristine root (no copy of ours anywhere), so
# modinfo finds the kernel's own module; load that file and prove it is.
load_baseline() {
	local path plain=/tmp/cls_bpf.ko taint
	path=$(modinfo -n cls_bpf) || { echo "modinfo cannot find cls_bpf"; return 1; }
	echo "modinfo -n cls_bpf: $path"
	case "$path" in
	*/lib/modules/"$KREL"/kernel/net/sched/cls_bpf.ko*) ;;
	*) echo "not the in-tree module"; return 1 ;;
	esac
	[ "$(modinfo -F intree "$path")" = Y ] || { echo "intree flag missing"; return 1; }
	if [ -d /sys/module/cls_bpf ]; then rmmod cls_bpf || return 1; fi
	module_decompress "$path" >"$plain"
	insmod "$plain" || { echo "insmod $plain failed"; return 1; }
	taint=$(cat /sys/module/cls_bpf/taint 2>/dev/null || true)
	echo "version: $(cat /sys/module/cls_bpf/version 2>/dev/null || echo none), taint: '$taint'"
	[ ! -e /sys/module/cls_bpf/version ] || { echo "a version file: not the in-tree module"; return 1; }
	[[ "$taint" != *O* ]] || { echo "out-of-tree taint on the in-tree module"; return 1; }
	same_srcversion "$plain" || { echo "loaded srcversion differs from $path"; return 1; }
}

module_proof() {
	local log=$RESULTS/logs/harness/module-proof.log rc=0
	mkdir -p "${log%/*}"
	if [ "$MODE" = ours ]; then
		prove_ours >"$log" 2>&1 || rc=$?
	else
		load_baseline >"$log" 2>&1 || rc=$?
	fi
	cat "$log"
	if [ "$rc" = 0 ]; then record PASS harness/module-proof; else record FAIL harness/module-proof; fi
	return "$rc"
}

# --- tests ----------------------------------------------------------------

# QEMU's multi-threaded TCG sometimes runs a stale translation of kernel
# text that the guest is live-patching for a static key (int3 first, then
# the new bytes): the other vCPU then oopses on an int3 that is already gone
# ("Oops: int3" in tc_run, seen on 7.3 while the fuzzer added and deleted
# filters under traffic). The keys tc flips are counted; the text is only
# patched when a count goes 0 <-> 1. A dummy device with clsact and a
# flower filter on each hook, in a namespace of its own that lives for
# the whole boot, keeps them at 1 or more: ingress/egress hooks, and
# tcf_sw_enabled_key where the core has it (6.12+).
KEYS_NS=cls-bpf-keys
pin_static_keys() {
	local -
	set -x # into the harness log (local -: only here)
	ip netns add "$KEYS_NS" &&
		ip -n "$KEYS_NS" link add keys0 type dummy &&
		ip -n "$KEYS_NS" link set keys0 up &&
		tc -n "$KEYS_NS" qdisc add dev keys0 clsact &&
		tc -n "$KEYS_NS" filter add dev keys0 ingress protocol all prio 1 flower &&
		tc -n "$KEYS_NS" filter add dev keys0 egress protocol all prio 1 flower
}

# Best effort: leave no network namespaces, links, qdiscs or pins behind.
# Few commands on purpose: every exec is slow under TCG. The VM has no NIC,
# so any root-namespace link but lo was made by a test.
cleanup_between_tests() {
	local d dev kind where
	ip netns list 2>/dev/null | while read -r d _; do
		[ "$d" = "$KEYS_NS" ] || ip netns del "$d" 2>/dev/null || true
	done
	for d in /sys/bus/netdevsim/devices/netdevsim*; do
		[ -e "$d" ] || continue
		echo "${d##*netdevsim}" >/sys/bus/netdevsim/del_device 2>/dev/null || true
	done
	for d in /sys/class/net/*; do
		dev=${d##*/}
		if [ "$dev" = lo ] || [ ! -e "$d" ]; then continue; fi
		ip link del "$dev" 2>/dev/null || true
	done
	while read -r kind dev where; do
		case "$kind" in
		clsact | ingress) tc qdisc del dev "$dev" "$kind" 2>/dev/null || true ;;
		noqueue | pfifo_fast | mq | fq_codel) ;;
		*) if [ "$where" = root ]; then tc qdisc del dev "$dev" root 2>/dev/null || true; fi ;;
		esac
	done < <(tc qdisc show 2>/dev/null | awk '{ print $2, $5, $6 }')
	find /sys/fs/bpf -mindepth 1 -delete 2>/dev/null || true
}

run_test() {
	local suite=$1 script=$2 name log rc=0 start secs
	name=$suite/$(basename "$script" .sh)
	log=$RESULTS/logs/$name.log
	mkdir -p "${log%/*}" "$log.d"
	kmsg "begin $name"
	start=$(date +%s)
	(
		cd "$(dirname "$script")"
		exec env TEST_ARTIFACTS="$ARTIFACTS" TEST_MODE="$MODE" TEST_KERNEL_LINE="$LINE" \
			TEST_PROBES="$PROBES" TEST_MODULE_VERSION="$VERSION" TEST_TMPDIR="$(mktemp -d)" \
			TEST_OUTDIR="$log.d" TEST_SCALE="$SCALE" ${SEED:+TEST_SEED="$SEED"} \
			"${TEST_ENV[@]}" timeout -k 10 "$TEST_TIMEOUT" bash "$script"
	) </dev/null >"$log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	rmdir "$log.d" 2>/dev/null || true
	kmsg "end $name rc=$rc"
	echo "$name ${secs}s rc=$rc" >>"$RESULTS/times.txt"
	case "$rc" in
	0) record PASS "$name" ;;
	77)
		if [ -s "$log" ]; then
			record SKIP "$name"
		else
			echo "harness: exit 77 (skip) without a reason on stdout/stderr" >>"$log"
			record FAIL "$name"
		fi
		;;
	124 | 137)
		echo "harness: timed out after ${TEST_TIMEOUT}s" >>"$log"
		record FAIL "$name"
		;;
	*) record FAIL "$name" ;;
	esac
	cleanup_between_tests
}

run_suite() {
	local dir=$1 suite script
	suite=$(basename "$dir")
	while IFS= read -r script; do
		run_test "$suite" "$script"
	done < <(find "$dir" -maxdepth 1 -type f -name '[0-9]*.sh' | sort)
}

# A pseudo-test failing on kernel warnings, oopses, KFENCE or slub reports
# (not on the reports of failures the faults suite injects).
check_kernel_log() {
	local log=$RESULTS/logs/harness/kernel-log.log
	dmesg >"$RESULTS/dmesg.txt" 2>&1 || true
	if grep -v -e 'Kernel command line:' -e '] Command line:' "$RESULTS/dmesg.txt" |
		kernel_log_without_injected | grep -E "$KERNEL_LOG_PATTERN" >"$log"; then
		record FAIL harness/kernel-log
	else
		echo "no kernel warnings (pattern: $KERNEL_LOG_PATTERN)" >"$log"
		record PASS harness/kernel-log
	fi
}

main() {
	local dir
	parse_args "$@"
	mkdir -p "$RESULTS/logs"
	: >"$RESULTS/results.txt"
	echo "run.sh: kernel $KREL, line $LINE, mode $MODE"
	mkdir -p "$RESULTS/logs/harness"
	if pin_static_keys >"$RESULTS/logs/harness/static-keys.log" 2>&1; then
		record PASS harness/static-keys
	else
		cat "$RESULTS/logs/harness/static-keys.log"
		record FAIL harness/static-keys
	fi
	if module_proof; then
		for dir in "${SUITE_DIRS[@]}"; do run_suite "$dir"; done
	else
		echo "run.sh: module proof failed; not running any test on this kernel"
	fi
	check_kernel_log
	touch "$RESULTS/complete"
}

main "$@"; exit
