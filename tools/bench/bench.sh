#!/usr/bin/env bash
# make bench [KERNELS=...]: the benchmark suite (tests/guest/bench) on each
# kernel line (default all), in two boots per line: QEMU -icount (guest time
# counts executed instructions, so ratios do not depend on host load) and
# real time; both with one vCPU and without slub_debug/KFENCE. Each clock is
# one run of the pipeline (tests/host/check.sh: our .deb through dkms in an
# overlay of the line's root); the in-tree module is loaded by path in the
# same boot. Then tools/bench/report.sh writes the dated report and plot.
# Environment: BENCH_OUT (default docs/bench/DATE), BENCH_CLOCKS (default
# "icount realtime"). Not a pass/fail test: it fails only when a benchmark
# could not measure.
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../../tests/host/lib.sh"

LINES=()
RUN=''
FAILED=0

bench_env() {
	# One VM at a time: the real-time clock must not share the host.
	export VM_SMP=1 VM_PARALLEL=1 VM_DEBUG_CMDLINE="kfence.sample_interval=0"
	export VM_TEST_TIMEOUT=5400 VM_TIMEOUT=7200
}

# collect LINE CLOCK RESULTS: the line's rows and kernel into the run.
collect() {
	local line=$1 clock=$2 res=$3
	cat "$res"/logs/bench/*.log.d/bench.tsv >"$RUN/$line-$clock.tsv" 2>/dev/null || true
	[ -s "$RUN/$line-$clock.tsv" ] || rm -f "$RUN/$line-$clock.tsv"
	record_get "$(record_file "$line")" K_KREL >"$RUN/$line.krel" 2>/dev/null || true
	sed "s/\t/\t$clock\t/" "$res/build/build-times.tsv" >>"$RUN/build-times" 2>/dev/null || true
	if grep -q '^FAIL ' "$res/results.txt" 2>/dev/null || [ ! -s "$res/results.txt" ]; then
		progress "$line" bench "$clock: FAILED (see $res)"
		FAILED=1
	else
		progress "$line" bench "$clock: $(wc -l <"$RUN/$line-$clock.tsv") rows"
	fi
}

# run_clock CLOCK: one pipeline run of every line with that clock.
run_clock() {
	local clock=$1 line
	local -x VM_ICOUNT='' BUILD_TIMES=0
	# the -icount boots' build stage also times the DKMS build (probes,
	# compile): builds beside a real-time VM would disturb it
	[ "$clock" = icount ] && VM_ICOUNT=shift=0,sleep=off BUILD_TIMES=1
	CHECK_SUITES=bench bash "$HOST_DIR/check.sh" "${LINES[@]}" || true
	for line in "${LINES[@]}"; do
		collect "$line" "$clock" "$CACHE_DIR/results/$line-ours-bench"
	done
}

main() {
	local clock out
	LINES=("$@")
	[ "${#LINES[@]}" -gt 0 ] || mapfile -t LINES < <(kernel_lines)
	command -v gnuplot >/dev/null || bash "$HOST_DIR/setup.sh" --bench
	RUN=$CACHE_DIR/bench/$(date -u +%Y%m%dT%H%M%SZ)
	out=${BENCH_OUT:-$REPO_DIR/docs/bench/$(date -u +%F)}
	mkdir -p "$RUN"
	echo "$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown), $(date -u +%FT%TZ), $(nproc) host cores" >"$RUN/info"
	bench_env
	for clock in ${BENCH_CLOCKS:-icount realtime}; do
		progress all bench "$clock boots of ${LINES[*]}"
		run_clock "$clock"
	done
	bash "$REPO_DIR/tools/bench/report.sh" "$RUN" "$out"
	return "$FAILED"
}

main "$@"
