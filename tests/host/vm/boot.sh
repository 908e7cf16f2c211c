#!/usr/bin/env bash
# The VM stage of a run: put the guest tree and inputs into the run's
# overlay, boot the run's kernel under QEMU (TCG) with that overlay as root,
# prove which cls_bpf is under test and run the given suites.
# Usage: boot.sh RUN_RECORD OUT [--baseline] [--inputs DIR] SUITE_DIR...
#   --baseline   test the distro's in-tree cls_bpf (the run's root has no
#                copy of ours) instead of our dkms module
#   --inputs     the guest inputs (tests/host/inputs/build.sh's OUTDIR)
# Environment: VM_TIMEOUT (s, default 1200 + 60 per test), VM_TEST_TIMEOUT
#   (s per test, default 300), VM_VERBOSE=1 (stream the serial console),
#   VM_TEST_SCALE (count multiplier of the robustness suite, default 1),
#   VM_TEST_SEED (its base seed), VM_TEST_ENV ("NAME=VALUE ..." added to
#   every test's environment).
# Writes OUT/results.txt ("PASS|FAIL|SKIP suite/test"), logs/, console.log,
# dmesg.txt; exits non-zero if anything failed or is missing.
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/host/vm/lib.sh
. "$HOST_DIR/vm/lib.sh"

MODE=ours INPUTS=''
SUITES=()

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--baseline) MODE=baseline; shift ;;
		--inputs) INPUTS=$2; shift 2 ;;
		-*) die "unknown option $1" ;;
		*) SUITES+=("$1"); shift ;;
		esac
	done
}

suite_path() {
	if [ -d "$1" ]; then echo "$1"
	elif [ -d "$REPO_DIR/$1" ]; then echo "$REPO_DIR/$1"
	else die "no suite directory $1"
	fi
}

# Tests the host expects results for: "suite/test" per [0-9]*.sh.
expected_tests() {
	local s dir
	for s in "${SUITES[@]}"; do
		dir=$(suite_path "$s")
		find "$dir" -maxdepth 1 -type f -name '[0-9]*.sh' -printf "$(basename "$dir")/%f\n" | sed 's/\.sh$//' | sort
	done
}

# Add FAIL lines for every expected test the guest did not report.
complete_results() {
	local out=$1 vm_rc=$2 t
	touch "$out/results.txt"
	if [ "$vm_rc" = 124 ]; then
		echo "FAIL harness/vm-timeout" >>"$out/results.txt"
		echo "the VM did not finish within ${VM_TIMEOUT}s" >"$out/logs/harness/vm-timeout.log"
	fi
	if [ ! -e "$out/complete" ]; then
		echo "FAIL harness/incomplete" >>"$out/results.txt"
		{
			echo "the guest runner did not finish (VM status $vm_rc); console tail:"
			tail -n 60 "$out/console.log" 2>/dev/null
		} >"$out/logs/harness/incomplete.log"
	fi
	grep -q '^PASS harness/module-proof' "$out/results.txt" || return 0
	while IFS= read -r t; do
		grep -q "^[A-Z]* $t\$" "$out/results.txt" && continue
		echo "FAIL $t" >>"$out/results.txt"
		mkdir -p "$out/logs/${t%/*}"
		echo "no result from the guest" >>"$out/logs/$t.log"
	done < <(expected_tests)
}

report() {
	local out=$1 krel=$2 pass fail skip t
	# harness/* pseudo-tests count when they fail, not when they pass.
	pass=$(grep '^PASS ' "$out/results.txt" | grep -vc ' harness/' || true)
	fail=$(grep -c '^FAIL ' "$out/results.txt" || true)
	skip=$(grep -c '^SKIP ' "$out/results.txt" || true)
	while read -r _ t; do
		echo "---- FAIL $t ($krel, $MODE): $out/logs/$t.log"
		head -c 20000 "$out/logs/$t.log" 2>/dev/null || echo "(no log)"
	done < <(grep '^FAIL ' "$out/results.txt")
	while read -r _ t; do
		echo "---- SKIP $t: $(tail -n 1 "$out/logs/$t.log" 2>/dev/null)"
	done < <(grep '^SKIP ' "$out/results.txt")
	[ "$fail" = 0 ] && t=ok || t=FAILED
	progress "$K_LINE" tests "$t: $pass passed, $fail failed, $skip skipped ($krel, $MODE; $out)"
	[ "$fail" = 0 ]
}

# guest_suite DIR: a suite's path in the guest (suites live in tests/guest).
guest_suite() {
	local dir
	dir=$(realpath -e "$1")
	case "$dir/" in
	"$REPO_DIR"/tests/guest/*) echo "$VM_GUEST_BASE/guest/${dir#"$REPO_DIR"/tests/guest/}" ;;
	*) die "suite $1 is not in tests/guest/" ;;
	esac
}

main() {
	local record=${1:?usage: boot.sh RUN_RECORD OUT [--baseline] [--inputs DIR] SUITE_DIR...}
	local out=${2:?usage: boot.sh RUN_RECORD OUT [--baseline] [--inputs DIR] SUITE_DIR...}
	local version=none s args=() vm_rc=0 secs env_args=() e
	shift 2
	parse_args "$@"
	load_record "$record"
	# OUT may hold the build stage's results (OUT/build); the VM's go beside.
	rm -rf "$out/logs" "$out/results.txt" "$out/host-results.txt" "$out/complete" "$out/init-uptime"
	mkdir -p "$out/logs/harness"
	[ "$MODE" = baseline ] || version=$(vm_expected_version)
	progress "$K_LINE" stage "guest tree and inputs into the run's overlay ($K_KREL, $MODE)"
	if [ -z "$INPUTS" ] || [ ! -d "$INPUTS" ]; then
		echo "FAIL harness/inputs" >"$out/host-results.txt"
		echo "no guest inputs (tests/host/inputs/build.sh failed)" >"$out/logs/harness/inputs.log"
		INPUTS=''
	fi
	vm_stage "$K_RUN_ROOT" "$INPUTS"
	for s in "${SUITES[@]}"; do args+=("$(guest_suite "$(suite_path "$s")")"); done
	for e in ${VM_TEST_ENV:-}; do env_args+=(--env "$e"); done
	# Full suites under TCG need more than a fixed 20 minutes.
	[ -n "${VM_TIMEOUT_SET:-}" ] || VM_TIMEOUT=$((1200 + 60 * $(expected_tests | wc -l)))
	vm_write_conf run.sh --mode "$MODE" --line "$K_LINE" --version "$version" \
		--results "$VM_GUEST_BASE/results" --probes "${K_PROBES:-}" --timeout "$VM_TEST_TIMEOUT" \
		--scale "${VM_TEST_SCALE:-1}" ${VM_TEST_SEED:+--seed "$VM_TEST_SEED"} \
		"${env_args[@]}" "${args[@]}"
	progress "$K_LINE" boot "booting $K_KREL under QEMU TCG (timeout ${VM_TIMEOUT}s)"
	vm_boot "$out/console.log" || vm_rc=$?
	secs=$VM_SECONDS
	vm_collect "$out"
	cat "$out/host-results.txt" "$out/prepare-results.txt" >>"$out/results.txt" 2>/dev/null || true
	progress "$K_LINE" boot "VM exited with $vm_rc after ${secs}s (init reached at $(cat "$out/init-uptime" 2>/dev/null || echo '?')s uptime)"
	echo "$secs" >"$out/vm-seconds"
	complete_results "$out" "$vm_rc"
	report "$out" "$K_KREL"
}

main "$@"; exit
