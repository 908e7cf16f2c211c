#!/usr/bin/env bash
# The build matrix: build and install the module through real dkms for each
# kernel line (default: all of tests/kernels.list), fail on any compiler or
# modpost warning, and compare each kernel's probe results with the recorded
# ones in tests/build/probe-results/ so a change shows up in review, and
# check that its classify path calls nothing the in-tree module's does not.
# Usage: matrix.sh [--update-probe-results] [LINE...]
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"

RECORDED=$REPO_DIR/tests/build/probe-results
UPDATE=0

check_warnings() {
	local line=$1 log=$CACHE_DIR/results/build/$1/make.log
	if grep -nE 'warning:|WARNING:|error:' "$log" >&2; then
		progress "$line" warnings "FAILED: the build log above has warnings ($log)"
		return 1
	fi
	progress "$line" warnings "none"
}

check_probes() {
	local line=$1 got=$CACHE_DIR/results/build/$1/probes.txt
	[ -s "$got" ] || { progress "$line" probes "FAILED: no probe results in the build log"; return 1; }
	if [ "$UPDATE" = 1 ]; then
		mkdir -p "$RECORDED"
		cp "$got" "$RECORDED/$line.txt"
	fi
	if ! diff -u "$RECORDED/$line.txt" "$got" >&2; then
		progress "$line" probes "FAILED: results differ from tests/build/probe-results/$line.txt (review, then rerun with --update-probe-results)"
		return 1
	fi
	progress "$line" probes "$(grep -c ' yes$' "$got") of $(wc -l <"$got") matched, as recorded"
}

# Ours (as dkms installed it) against the in-tree module of the same kernel.
check_classify_calls() {
	local line=$1 root kernel moddir ours intree log=$CACHE_DIR/results/build/$1/classify-calls.txt
	root=$(chroot_dir "$line")
	kernel=$(chroot_kernel_release "$line")
	moddir=$(chroot_module_dir "$root" "$kernel")
	ours=$(compgen -G "$moddir/updates/dkms/cls_bpf.ko*" | head -n 1) || true
	# dkms >= 3.1 moves the in-tree module it replaces to original_module/
	intree=$({ compgen -G "$moddir/kernel/net/sched/cls_bpf.ko*" ||
		compgen -G "$root/var/lib/dkms/*/original_module/$kernel/*/cls_bpf.ko*"; } |
		grep -v '\.origin$' | head -n 1) || true
	if [ -z "$ours" ] || [ -z "$intree" ]; then
		progress "$line" classify "FAILED: no module (ours: '${ours}', in-tree: '${intree}')"
		return 1
	fi
	if ! "$REPO_DIR/tests/build/classify-calls.sh" "$ours" "$intree" >"$log" 2>&1; then
		cat "$log" >&2
		progress "$line" classify "FAILED: the classify path uses more than the in-tree module's ($log)"
		return 1
	fi
	progress "$line" classify "no call or symbol the in-tree classify lacks"
}

build_line() {
	local line=$1
	"$REPO_DIR/tests/build/dkms-install.sh" "$line" >"$CACHE_DIR/logs/dkms-install-$line.log" 2>&1 || {
		cat "$CACHE_DIR/logs/dkms-install-$line.log" >&2
		progress "$line" build "FAILED"
		return 1
	}
	progress "$line" build "installed for $(cat "$CACHE_DIR/results/build/$line/kernel-release")"
	check_warnings "$line" && check_probes "$line" && check_classify_calls "$line"
}

main() {
	local lines=() line passed=0 failed=0
	if [ "${1:-}" = --update-probe-results ]; then
		UPDATE=1
		shift
	fi
	if [ $# -gt 0 ]; then lines=("$@"); else mapfile -t lines < <(all_kernel_lines); fi
	mkdir -p "$CACHE_DIR/logs"
	for line in "${lines[@]}"; do
		if build_line "$line"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	echo "build: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
