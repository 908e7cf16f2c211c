#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/../lib
# Boot one kernel line's Debian kernel under QEMU (TCG) with its chroot as
# root, prove which cls_bpf is under test and run the given test suites.
# Usage: boot.sh LINE [--baseline] SUITE_DIR...
#   --baseline   test the distro's in-tree cls_bpf instead of our dkms module
# Environment: VM_TIMEOUT (s, default 1200 + 60 per test), VM_TEST_TIMEOUT (s per test,
#   default 300), VM_RESULTS (host results dir, default
#   $CACHE_DIR/results/LINE-MODE), VM_ARTIFACTS (prebuilt artifacts dir),
#   VM_VERBOSE=1 (stream the serial console), VM_TEST_SCALE (count multiplier
#   of the robustness suite, default 1), VM_TEST_SEED (its base seed),
#   VM_TEST_ENV ("NAME=VALUE ..." added to every test's environment).
# Writes VM_RESULTS/results.txt ("PASS|FAIL|SKIP suite/test"), logs/,
# console.log, dmesg.txt; exits non-zero if anything failed or is missing.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/vm-lib.sh
. "$REPO_DIR/tests/lib/vm-lib.sh"

LINE='' MODE=ours
SUITES=()

parse_args() {
	vm_parse_args "$@"
	LINE=${VM_ARGS[0]:-}
	SUITES=("${VM_ARGS[@]:1}")
	[ -n "$LINE" ] || die "usage: boot.sh LINE [--baseline] SUITE_DIR..."
}

suite_path() {
	if [ -d "$1" ]; then echo "$1"
	elif [ -d "$REPO_DIR/$1" ]; then echo "$REPO_DIR/$1"
	else die "no suite directory $1"
	fi
}

# Results of different suite selections must not overwrite each other:
# $CACHE_DIR/results/LINE-MODE[-suite+suite].
default_results_dir() {
	local s name=$LINE-$MODE sep=-
	for s in "${SUITES[@]}"; do
		name+=$sep$(basename "$s")
		sep=+
	done
	echo "$CACHE_DIR/results/$name"
}

# The dkms copy must be installed before the VM can prove it is loaded.
dkms_copy_present() {
	local moddir
	moddir=$(chroot_module_dir "$1" "$2")
	compgen -G "$moddir/updates/dkms/cls_bpf.ko*" >/dev/null
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
	progress "$LINE" tests "$t: $pass passed, $fail failed, $skip skipped ($krel, $MODE; $out)"
	[ "$fail" = 0 ]
}

main() {
	local root krel out version=none s args=() vm_rc=0 secs env_args=() e
	parse_args "$@"
	root=$(chroot_dir "$LINE")
	[ -d "$root" ] || die "no chroot for $LINE; run tests/lib/make-chroot.sh $LINE"
	krel=$(chroot_kernel_release "$LINE")
	out=${VM_RESULTS:-$(default_results_dir)}
	vm_lock "$root"
	rm -rf "$out"
	mkdir -p "$out/logs/harness"
	if [ "$MODE" = ours ]; then
		version=$(vm_expected_version)
		if ! dkms_copy_present "$root" "$krel"; then
			echo "FAIL harness/module-proof" >"$out/results.txt"
			echo "no dkms cls_bpf in $root for $krel: run tests/build/dkms-install.sh $LINE" |
				tee "$out/logs/harness/module-proof.log"
			touch "$out/complete"
			report "$out" "$krel"
			return 1
		fi
	fi
	progress "$LINE" prepare "staging tests into $root$VM_GUEST_BASE ($krel, $MODE)"
	vm_stage_tree "$root"
	for s in "${SUITES[@]}"; do args+=("$(vm_guest_suite "$root" "$(suite_path "$s")")"); done
	if ! vm_artifacts "$root" "$out/logs/harness/artifacts.log"; then
		echo "FAIL harness/artifacts" >>"$out/host-results.txt"
		progress "$LINE" artifacts "FAILED: see $out/logs/harness/artifacts.log"
	fi
	vm_refresh_depmod "$root" "$krel"
	if [ "$MODE" = baseline ]; then
		vm_baseline_modules "$root" "$krel" >"$out/logs/harness/baseline-modules.log" 2>&1 ||
			die "cannot build the baseline module index: $out/logs/harness/baseline-modules.log"
	fi
	for e in ${VM_TEST_ENV:-}; do env_args+=(--env "$e"); done
	# Full suites under TCG need more than a fixed 20 minutes.
	[ -n "${VM_TIMEOUT_SET:-}" ] || VM_TIMEOUT=$((1200 + 60 * $(expected_tests | wc -l)))
	vm_write_conf "$root" guest-run.sh --mode "$MODE" --line "$LINE" --version "$version" \
		--results "$VM_GUEST_BASE/results" --timeout "$VM_TEST_TIMEOUT" \
		--scale "${VM_TEST_SCALE:-1}" ${VM_TEST_SEED:+--seed "$VM_TEST_SEED"} \
		"${env_args[@]}" "${args[@]}"
	progress "$LINE" boot "booting $krel under QEMU TCG (timeout ${VM_TIMEOUT}s)"
	vm_boot "$LINE" "$out/console.log" || vm_rc=$?
	secs=$VM_SECONDS
	vm_collect "$root" "$out"
	cat "$out/host-results.txt" >>"$out/results.txt" 2>/dev/null || true
	progress "$LINE" boot "VM exited with $vm_rc after ${secs}s (init reached at $(cat "$out/init-uptime" 2>/dev/null || echo '?')s uptime)"
	echo "$secs" >"$out/vm-seconds"
	complete_results "$out" "$vm_rc"
	report "$out" "$krel"
}

main "$@"; exit
