#!/usr/bin/env bash
# The pipeline of make check (and of make stress and make bench): per kernel
# line, one run through these stages, each handed the run's record:
#   root    the line's root, built once and cached (roots/make-root.sh); the
#           line is resolved there, once, into its record
#   run     an overlay of the root for this run (the root is never written)
#   build   ours only: our .deb through apt and dkms, and the build checks
#           (build/build.sh); adds the probe results to the run's record
#   inject  netdevsim for this kernel (inputs/netdevsim.sh, cached by kernel
#           release) into the overlay
#   boot    the guest tree and inputs into the overlay, the VM boot with the
#           suites (vm/boot.sh)
#   down    the overlay discarded
# The .deb and the guest inputs are built once for all lines. One preparer
# walks the lines in order (root, run, build, inject); each line's VM boots
# as soon as its line is prepared and one of VM_PARALLEL machine-wide VM
# slots is free (tests/host/vm/lib.sh), so preparation overlaps the VMs and
# VMs overlap each other where the machine has room.
# Usage: check.sh [--baseline] [LINE...]   (--baseline: the in-tree module,
#   on the pristine root; no build stage; LINE: of tests/kernels.list; none:
#   every distro line and every debug line whose kernel is cached, those
#   with the fault-injection sweep only: see default_lines)
# CHECK_SUITES="robustness" runs only those suites (folders of tests/guest),
# with results in $CACHE_DIR/results/LINE-MODE-robustness/.
# Prints a summary table and, as the very last line, "N passed, N failed"
# (", N skipped" appended when tests skipped). Exits non-zero if any kernel failed.
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"

MODE=ours
LINES=()
SUITES=()
SUMMARY=()
NOT_RUN=()
SWEEP_ONLY=()
FIGURES=()
FAULTS=()
TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 KERNEL_FAILED=0
PACKAGE_DEB=none
INPUTS=''

parse_args() {
	local a
	for a in "$@"; do
		case "$a" in
		--baseline) MODE=baseline ;;
		-*) die "unknown option $a" ;;
		*) LINES+=("$a") ;;
		esac
	done
	[ "${#LINES[@]}" -gt 0 ] || default_lines
	for a in "${LINES[@]}"; do kernel_suites "$a" >/dev/null; done
	# Each line once (a line's run and results are keyed by its name).
	mapfile -t LINES < <(printf '%s\n' "${LINES[@]}" | awk '!seen[$0]++')
}

# default_lines: every distro line, and every debug line whose kernel is
# cached and current (a build takes 40 to 70 minutes here: KERNELS=debug-LINE
# or make debug-kernels builds it); the others are named in NOT_RUN, never
# counted as passed. A debug line chosen this way runs only the
# fault-injection sweep (SWEEP_ONLY): every suite under KASAN and lockdep
# takes 25 to 36 minutes of TCG per kernel, which CI has no room for;
# naming the line (KERNELS=debug-6.1) runs them all. With CHECK_SUITES
# (make stress: robustness) it runs those suites, as every line does.
default_lines() {
	local line why
	mapfile -t LINES < <(kernel_lines)
	for line in $(debug_lines); do
		if why=$(bash "$HOST_DIR/roots/make-debug-kernel.sh" --cached "$(debug_base "$line")" 2>&1 >/dev/null); then
			LINES+=("$line")
			SWEEP_ONLY+=("$line")
		else
			NOT_RUN+=("$line: not run: ${why#error: } (make check KERNELS=$line builds it)")
		fi
	done
}

# sweep_only LINE: LINE is a debug line make check chose by default (its
# kernel must come from the cache: no 40-minute build inside make check).
sweep_only() { [[ " ${SWEEP_ONLY[*]} " == *" $1 "* ]]; }

# line_suites LINE: the suites LINE's VM runs: CHECK_SUITES' (default:
# functional, offload, robustness), plus the fault-injection sweep on a
# debug line; only the sweep on a debug line of SWEEP_ONLY.
line_suites() {
	local line=$1
	if [ -n "${CHECK_SUITES:-}" ] || ! is_debug_line "$line"; then
		printf '%s\n' "${SUITES[@]}"
	elif sweep_only "$line"; then
		echo tests/guest/faults
	else
		printf '%s\n' "${SUITES[@]}" tests/guest/faults
	fi
}

# Suites that exist and contain at least one test script.
find_suites() {
	local s
	for s in ${CHECK_SUITES:-functional offload robustness}; do
		compgen -G "$REPO_DIR/tests/guest/$s/[0-9]*.sh" >/dev/null ||
			die "no suite '$s': a suite is a folder of numbered tests in tests/guest/"
		SUITES+=("tests/guest/$s")
	done
}

# The guest inputs are the same for every kernel: built once.
build_inputs() {
	local out=$CACHE_DIR/results/inputs
	rm -rf "$out"
	if bash "$HOST_DIR/inputs/build.sh" "$out" >"$CACHE_DIR/logs/inputs.log" 2>&1; then
		INPUTS=$out
		progress all inputs "built into $out"
	else
		progress all inputs "FAILED: see $CACHE_DIR/logs/inputs.log (each kernel will report it)"
	fi
}

# The .deb every kernel's run installs, built once from this tree.
build_package() {
	local out=$CACHE_DIR/results/deb
	rm -rf "$out"
	if PACKAGE_DEB=$(DIST_DIR=$out "$REPO_DIR/tools/build-deb.sh" 2>"$CACHE_DIR/logs/build-deb.log" | tail -n 1) &&
		[ -f "$PACKAGE_DEB" ]; then
		progress all package "built $PACKAGE_DEB"
	else
		PACKAGE_DEB=none
		progress all package "FAILED: see $CACHE_DIR/logs/build-deb.log (each kernel will report it)"
	fi
}

# count STATUS FILE; harness/* pseudo-tests count when they fail, not when they pass.
count() {
	[ -f "$2" ] || { echo 0; return 0; }
	if [ "$1" = FAIL ]; then
		grep -c "^FAIL " "$2" || true
	else
		grep "^$1 " "$2" | grep -vc ' harness/' || true
	fi
}

# A stage failing before the VM ran counts as one failed test.
record_stage_failure() {
	local out=$1 name=$2 where=$3
	mkdir -p "$out/logs/harness"
	echo "FAIL harness/$name" >>"$out/results.txt"
	echo "$name failed; see $where" >"$out/logs/harness/$name.log"
}

# results_dir LINE: where a line's results land.
results_dir() { echo "$CACHE_DIR/results/$1-$MODE${CHECK_SUITES:+-${CHECK_SUITES// /+}}"; }

# inject_netdevsim RUN_RECORD KO: in a subshell, which loads the record.
inject_netdevsim() {
	(
		load_record "$1"
		# shellcheck source=tests/host/vm/lib.sh
		. "$HOST_DIR/vm/lib.sh"
		vm_inject_netdevsim "$2"
	)
}

# stage_inject RUN_RECORD: netdevsim for the run's kernel into its overlay,
# unless the kernel has its own (a debug kernel). A failure shows up as
# failing tests in the suites that need it.
stage_inject() {
	local ko
	if ko=$(in_root "$(record_get "$1" K_RUN_ROOT)" modinfo -k "$(record_get "$1" K_KREL)" \
		-F filename netdevsim 2>/dev/null); then
		progress "$(record_get "$1" K_LINE)" netdevsim "the kernel's own: $ko"
		return 0
	fi
	if ko=$(bash "$HOST_DIR/inputs/netdevsim.sh" "$1") && [ -f "$ko" ] &&
		inject_netdevsim "$1" "$ko"; then
		return 0
	fi
	progress "$(record_get "$1" K_LINE)" netdevsim "FAILED: no netdevsim in this run"
	return 1
}

# prepare_line LINE OUT: every stage before the boot. A failed stage is
# recorded in OUT and the line boots no VM, except netdevsim's: its failure
# is one failed pseudo-test (OUT/prepare-results.txt, which the VM stage
# adds to the results) and the suites still run. OUT.run names the run's
# record.
prepare_line() {
	local line=$1 out=$2 record run
	rm -rf "$out" "$out.run"
	mkdir -p "$out"
	if ! record=$(DEBUG_KERNEL_CACHED=$(sweep_only "$line" && echo 1) "$HOST_DIR/roots/make-root.sh" "$line") ||
		[ ! -s "$record" ]; then
		record_stage_failure "$out" root "$CACHE_DIR/logs/root-$line.log"
		return 0
	fi
	if ! run=$(run_up "$line" "$MODE"); then
		record_stage_failure "$out" overlay "the output above"
		return 0
	fi
	if [ "$MODE" = ours ] && ! "$HOST_DIR/build/build.sh" "$run" "$PACKAGE_DEB" "$out/build"; then
		record_stage_failure "$out" build "$out/build/"
		run_down "$run"
		return 0
	fi
	if ! stage_inject "$run"; then
		echo "FAIL harness/netdevsim" >"$out/prepare-results.txt"
		mkdir -p "$out/logs/harness"
		echo "netdevsim was not built or injected for this kernel: see the progress lines" \
			>"$out/logs/harness/netdevsim.log"
	fi
	echo "$run" >"$out.run"
}

# prepare_all: every line's preparation, in order; OUT.ready marks each
# as done (prepared or failed). Should the preparer itself die, every line
# not yet marked is marked as a failed preparation, so no VM stage waits
# forever.
prepare_all() {
	local line out
	trap 'mark_unprepared' EXIT
	for line in "${LINES[@]}"; do
		out=$(results_dir "$line")
		prepare_line "$line" "$out" || record_stage_failure "$out" prepare "the output above"
		touch "$out.ready"
	done
	trap - EXIT
}

# shellcheck disable=SC2317 # run from prepare_all's EXIT trap
mark_unprepared() {
	local line out
	for line in "${LINES[@]}"; do
		out=$(results_dir "$line")
		[ -e "$out.ready" ] && continue
		rm -f "$out.run"
		record_stage_failure "$out" prepare "the preparer's output above"
		touch "$out.ready"
	done
}

# test_line LINE: wait for the line's preparation, boot the VM unless a
# stage failed, and discard the run's overlay.
test_line() {
	local line=$1 out run mode_args=() suites
	out=$(results_dir "$line")
	[ "$MODE" = baseline ] && mode_args=(--baseline)
	while [ ! -e "$out.ready" ]; do sleep 2; done
	rm -f "$out.ready"
	[ -s "$out.run" ] || return 0
	run=$(cat "$out.run")
	rm -f "$out.run"
	mapfile -t suites < <(line_suites "$line")
	"$HOST_DIR/vm/boot.sh" "$run" "$out" "${mode_args[@]}" --inputs "$INPUTS" "${suites[@]}" || true
	if [ ! -s "$out/init-uptime" ]; then
		# TCG occasionally crashes a kernel while it patches its own text
		# during early boot, before init and before any test module is
		# loaded: such a boot is retried once, and says so.
		cp "$out/console.log" "$CACHE_DIR/logs/console-$line-crashed-before-init.log" 2>/dev/null || true
		progress "$line" boot "kernel died before init (console kept in $CACHE_DIR/logs/console-$line-crashed-before-init.log); booting once more"
		"$HOST_DIR/vm/boot.sh" "$run" "$out" "${mode_args[@]}" --inputs "$INPUTS" "${suites[@]}" || true
	fi
	run_down "$run"
}

# count_line LINE: the line's results into the totals and the summary.
count_line() {
	local line=$1 out krel pass fail skip status=ok
	out=$(results_dir "$line")
	krel=$(record_get "$(record_file "$line")" K_KREL 2>/dev/null) || krel=unknown
	pass=$(count PASS "$out/results.txt")
	fail=$(count FAIL "$out/results.txt")
	skip=$(count SKIP "$out/results.txt")
	[ -s "$out/results.txt" ] || fail=$((fail + 1))
	if [ "$fail" != 0 ]; then
		status=FAILED
		KERNEL_FAILED=1
	fi
	TOTAL_PASS=$((TOTAL_PASS + pass)) TOTAL_FAIL=$((TOTAL_FAIL + fail)) TOTAL_SKIP=$((TOTAL_SKIP + skip))
	SUMMARY+=("$(printf '%-9s %-28s %6s %6s %7s  %s' "$line" "$krel" "$pass" "$fail" "$skip" "$status")")
	if [ -d "$out/logs/robustness" ]; then
		FIGURES+=("$(printf '%-9s %s' "$line" "$("$HOST_DIR/vm/robustness-figures.sh" "$out")")")
	fi
	if [ -d "$out/logs/faults" ]; then
		FAULTS+=("$(printf '%-9s %s' "$line" "$("$HOST_DIR/vm/faults-figures.sh" "$out")")")
	fi
}

print_summary() {
	local row
	echo
	printf '%-9s %-28s %6s %6s %7s  %s\n' line kernel passed failed skipped status
	for row in "${SUMMARY[@]}"; do echo "$row"; done
	for row in "${NOT_RUN[@]}"; do echo "$row"; done
	if [ "${#FIGURES[@]}" -gt 0 ]; then
		echo "robustness figures:"
		for row in "${FIGURES[@]}"; do echo "$row"; done
	fi
	if [ "${#FAULTS[@]}" -gt 0 ]; then
		echo "fault-injection sweep (failures injected; the classifier's own with an extack message):"
		for row in "${FAULTS[@]}"; do echo "$row"; done
	fi
	echo "mode: $MODE; results: $(results_dir '<line>')/"
	if [ "$TOTAL_SKIP" -gt 0 ]; then
		echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
	else
		echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
	fi
}

main() {
	local line row pids=()
	parse_args "$@"
	find_suites
	# One pipeline run at a time on a machine (they share the cache's
	# inputs, package and run directories); the next one waits here.
	mkdir -p "$CACHE_DIR"
	exec {CHECK_LOCK_FD}>"$CACHE_DIR/check.lock"
	flock -n "$CHECK_LOCK_FD" || {
		progress all check "waiting for another tests/host/check.sh on this machine"
		flock "$CHECK_LOCK_FD"
	}
	progress all check "mode $MODE, kernels: ${LINES[*]}, suites: ${SUITES[*]:-none}"
	for line in "${LINES[@]}"; do
		is_debug_line "$line" || continue
		progress "$line" check "suites: $(line_suites "$line" | paste -sd ' ')"
	done
	for row in "${NOT_RUN[@]}"; do progress "${row%%:*}" check "${row#*: }"; done
	mkdir -p "$CACHE_DIR/logs" "$CACHE_DIR/results"
	build_inputs
	if [ "$MODE" = ours ]; then build_package; fi
	for line in "${LINES[@]}"; do rm -f "$(results_dir "$line").ready"; done
	prepare_all &
	pids+=($!)
	for line in "${LINES[@]}"; do
		test_line "$line" &
		pids+=($!)
	done
	# On an interrupt, stop every stage and what they started (the VM
	# stage's own trap stops its QEMU).
	trap 'kill_tree "${pids[@]}"; exit 130' INT TERM HUP
	wait "${pids[@]}" || true
	trap - INT TERM HUP
	for line in "${LINES[@]}"; do count_line "$line"; done
	print_summary
	[ "$KERNEL_FAILED" = 0 ]
}

main "$@"; exit
