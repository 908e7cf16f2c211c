#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/../lib
# Run the VM test suites on every kernel line (or the ones given): build or
# reuse the line's chroot, install our module through dkms (unless
# --baseline), boot the kernel and run tests/functional, tests/offload and
# tests/robustness. The next line is prepared while the current one's VM runs.
# Usage: check.sh [--baseline] [LINE...]     e.g. check.sh 6.1 7.2
# CHECK_SUITES="robustness" runs only those suites (make stress), with
# results in $CACHE_DIR/results/LINE-MODE-robustness/.
# Prints a summary table and, as the very last line, "N passed, N failed"
# (", N skipped" appended when tests skipped). Exits non-zero if any kernel failed.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/vm-lib.sh
. "$REPO_DIR/tests/lib/vm-lib.sh"

MODE=ours
LINES=()
SUITES=()
SUMMARY=()
FIGURES=()
TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 KERNEL_FAILED=0
PACKAGE_DEB=none

parse_args() {
	local a
	vm_parse_args "$@"
	LINES=("${VM_ARGS[@]}")
	if [ "${#LINES[@]}" = 0 ]; then
		mapfile -t LINES < <(all_kernel_lines)
	fi
	for a in "${LINES[@]}"; do kernel_field "$a" 2 >/dev/null; done
}

# Suites that exist and contain at least one test script.
find_suites() {
	local s
	for s in ${CHECK_SUITES:-functional offload robustness}; do
		compgen -G "$REPO_DIR/tests/$s/[0-9]*.sh" >/dev/null && SUITES+=("tests/$s")
	done
	return 0
}

# Artifacts are the same for every kernel: build them once.
build_artifacts() {
	local out=$CACHE_DIR/results/artifacts
	rm -rf "$out"
	mkdir -p "$out"
	if vm_build_artifacts "$out" >"$CACHE_DIR/results/artifacts.log" 2>&1; then
		export VM_ARTIFACTS=$out
		progress all artifacts "built into $out"
	else
		progress all artifacts "FAILED: see $CACHE_DIR/results/artifacts.log (each kernel will report it)"
	fi
}

# The .deb every kernel's VM runs with, built once from this tree.
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
	local out=$1 name=$2 log=$3
	rm -rf "$out"
	mkdir -p "$out/logs/harness"
	echo "FAIL harness/$name" >"$out/results.txt"
	echo "$name failed; see $log" >"$out/logs/harness/$name.log"
}

# Per-kernel preparation a suite needs: the offload suite's netdevsim.ko
# (tests/offload/build-netdevsim.sh LINE installs it into the chroot). A
# failure here shows up as failing tests in that suite.
prepare_suites() {
	local line=$1 s
	for s in "${SUITES[@]}"; do
		[ -f "$REPO_DIR/$s/build-netdevsim.sh" ] || continue
		bash "$REPO_DIR/$s/build-netdevsim.sh" "$line" ||
			progress "$line" prepare "$s/build-netdevsim.sh failed; its tests will fail"
	done
}

# TCG occasionally crashes a kernel while it patches its own text during
# early boot, before init and before any test module is loaded. Such a boot
# (no init-uptime from the guest) is retried once, and says so; a crash after
# init is a test result like any other.
boot_line() {
	local line=$1 out=$2
	shift 2
	VM_RESULTS=$out "$REPO_DIR/tests/vm/boot.sh" "$line" "$@" || true
	[ -s "$out/init-uptime" ] && return 0
	cp "$out/console.log" "$CACHE_DIR/logs/console-$line-crashed-before-init.log" 2>/dev/null || true
	progress "$line" boot "kernel died before init (console kept in $CACHE_DIR/logs/console-$line-crashed-before-init.log); booting once more"
	VM_RESULTS=$out "$REPO_DIR/tests/vm/boot.sh" "$line" "$@" || true
}

# results_dir LINE: where a line's results land.
results_dir() { echo "$CACHE_DIR/results/$1-$MODE${CHECK_SUITES:+-${CHECK_SUITES// /+}}"; }

# prepare_line LINE OUT: every stage before the VM. Chroot, dkms build and
# install from source with its warning and probe checks, then the user's
# way, our .deb through apt (ours only), then what the suites need. A
# failed stage is recorded in OUT and the line boots no VM.
prepare_line() {
	local line=$1 out=$2
	rm -f "$out.prepared"
	if ! "$REPO_DIR/tests/lib/make-chroot.sh" "$line"; then
		record_stage_failure "$out" chroot "$CACHE_DIR/logs/"
	elif [ "$MODE" = ours ] && ! "$REPO_DIR/tests/build/matrix.sh" "$line"; then
		record_stage_failure "$out" dkms-build "$CACHE_DIR/results/build/$line/make.log"
	elif [ "$MODE" = ours ] && ! "$REPO_DIR/tests/build/deb-install.sh" "$line" "${PACKAGE_DEB:-none}"; then
		record_stage_failure "$out" deb-install "$CACHE_DIR/logs/deb-install-$line.log"
	else
		prepare_suites "$line"
		touch "$out.prepared"
	fi
}

# The next line is prepared while the current one's VM runs: its chroot,
# builds and downloads mostly wait on I/O and the network.
PREPARE_PID=''
prepare_in_background() {
	prepare_line "$1" "$(results_dir "$1")" &
	PREPARE_PID=$!
}

# test_line LINE OUT: wait for the line's preparation, start the next
# line's (NEXT, may be empty), then boot the VM unless a stage failed.
test_line() {
	local line=$1 out=$2 next=$3 mode_args=()
	[ "$MODE" = baseline ] && mode_args=(--baseline)
	wait "$PREPARE_PID" || record_stage_failure "$out" prepare "the output above"
	PREPARE_PID=''
	if [ -n "$next" ]; then prepare_in_background "$next"; fi
	if [ -e "$out.prepared" ]; then
		rm -f "$out.prepared"
		boot_line "$line" "$out" "${mode_args[@]}" "${SUITES[@]}"
	fi
}

run_line() {
	local line=$1 next=$2 out krel pass fail skip status=ok
	out=$(results_dir "$line")
	test_line "$line" "$out" "$next"
	krel=$(chroot_kernel_release "$line" 2>/dev/null) || krel=unknown
	pass=$(count PASS "$out/results.txt")
	fail=$(count FAIL "$out/results.txt")
	skip=$(count SKIP "$out/results.txt")
	[ -s "$out/results.txt" ] || fail=$((fail + 1))
	if [ "$fail" != 0 ]; then
		status=FAILED
		KERNEL_FAILED=1
	fi
	TOTAL_PASS=$((TOTAL_PASS + pass)) TOTAL_FAIL=$((TOTAL_FAIL + fail)) TOTAL_SKIP=$((TOTAL_SKIP + skip))
	SUMMARY+=("$(printf '%-6s %-28s %6s %6s %7s  %s' "$line" "$krel" "$pass" "$fail" "$skip" "$status")")
	if [ -d "$out/logs/robustness" ]; then
		FIGURES+=("$(printf '%-6s %s' "$line" "$("$REPO_DIR/tests/vm/robustness-figures.sh" "$out")")")
	fi
}

print_summary() {
	local row
	echo
	printf '%-6s %-28s %6s %6s %7s  %s\n' line kernel passed failed skipped status
	for row in "${SUMMARY[@]}"; do echo "$row"; done
	if [ "${#FIGURES[@]}" -gt 0 ]; then
		echo "robustness figures:"
		for row in "${FIGURES[@]}"; do echo "$row"; done
	fi
	echo "mode: $MODE; results: $CACHE_DIR/results/<line>-$MODE/"
	if [ "$TOTAL_SKIP" -gt 0 ]; then
		echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
	else
		echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
	fi
}

main() {
	local i
	parse_args "$@"
	find_suites
	progress all check "mode $MODE, kernels: ${LINES[*]}, suites: ${SUITES[*]:-none}"
	mkdir -p "$CACHE_DIR/logs" "$CACHE_DIR/results"
	build_artifacts
	if [ "$MODE" = ours ]; then build_package; fi
	prepare_in_background "${LINES[0]}"
	for ((i = 0; i < ${#LINES[@]}; i++)); do run_line "${LINES[i]}" "${LINES[i + 1]:-}"; done
	print_summary
	[ "$KERNEL_FAILED" = 0 ]
}

main "$@"; exit
