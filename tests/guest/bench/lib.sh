#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the benchmark suite (sourced by every NN-name.sh), on top of the
# robustness suite's lib.sh (which loads the in-tree or our cls_bpf). A
# benchmark passes when it measured; its figures go to TEST_OUTDIR/bench.tsv,
# one tab-separated row per measurement, which tools/bench/report.sh reads.
#
# TEST_SCALE (guest runner, default 1) multiplies the packet counts.
# shellcheck disable=SC2034 # variables here are read by the test scripts
# shellcheck source=SCRIPTDIR/../robustness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../robustness/lib.sh"

BENCH_NL=$ARTIFACTS/bench-nl
BENCH_TSV=${TEST_OUTDIR:?run.sh sets it}/bench.tsv
BENCH_ROUNDS=5
BENCH_PIN=/sys/fs/bpf/bench

# bench_row FIELD...: one measurement.
bench_row() {
	local IFS=$'\t'
	echo "$*" >>"$BENCH_TSV"
	log "row: $*"
}

# bench_module intree|ours: make that cls_bpf the loaded one (no-op if it is).
bench_module() {
	local loaded=none
	if [[ -d /sys/module/cls_bpf ]]; then
		if [[ -e /sys/module/cls_bpf/version ]]; then loaded=ours; else loaded=intree; fi
	fi
	[[ "$loaded" == "$1" ]] && return 0
	case "$1" in
	intree) load_intree_cls_bpf ;;
	ours) load_our_cls_bpf ;;
	*) fail "bench_module: $1" ;;
	esac
}

# bench_order ROUND A B: "A B" on odd rounds, "B A" on even ones.
bench_order() {
	if (($1 % 2)); then echo "$2 $3"; else echo "$3 $2"; fi
}

# bench_pin_programs: "return TC_ACT_OK" and "return TC_ACT_UNSPEC" pinned
# at $BENCH_PIN-ok and $BENCH_PIN-unspec (shared by every filter).
bench_pin_programs() {
	[[ -x "$BENCH_NL" ]] || fail "missing artifact $BENCH_NL"
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs"
	rm -f "$BENCH_PIN-ok" "$BENCH_PIN-unspec"
	"$BENCH_NL" pin "$BENCH_PIN-ok" 0 || fail "pin the TC_ACT_OK program"
	"$BENCH_NL" pin "$BENCH_PIN-unspec" -1 || fail "pin the TC_ACT_UNSPEC program"
}

bench_start() {
	robust_start
	[[ -x "$BENCH_NL" ]] || fail "missing artifact $BENCH_NL"
	: >"$BENCH_TSV"
	log "$BENCH_ROUNDS rounds; figures in $BENCH_TSV"
}
