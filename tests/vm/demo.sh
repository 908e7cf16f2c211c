#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/../lib
# A narrated demo for newcomers: install this repository's cls_bpf into the
# 6.1 (bookworm) test chroot through dkms, boot that kernel under QEMU and
# show the module classifying real packets (tests/vm/demo-guest.sh).
# Usage: demo.sh [--no-install]   (takes a few minutes under TCG)
#   --no-install   reuse the module dkms-install.sh installed earlier
# DEMO_LINE=6.12 demo.sh runs it on another kernel line.
set -euo pipefail
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=../lib/vm-lib.sh
. "$REPO_DIR/tests/lib/vm-lib.sh"

LINE=${DEMO_LINE:-6.1}

main() {
	local root krel out rc=0
	case "${1:-}" in
	--no-install) "$REPO_DIR/tests/lib/make-chroot.sh" "$LINE" ;;
	'') "$REPO_DIR/tests/build/dkms-install.sh" "$LINE" ;; # builds the chroot too
	*) die "usage: demo.sh [--no-install]" ;;
	esac
	root=$(chroot_dir "$LINE")
	krel=$(chroot_kernel_release "$LINE")
	out=$CACHE_DIR/results/demo
	vm_lock "$root"
	rm -rf "$out"
	mkdir -p "$out"
	vm_stage_tree "$root"
	vm_artifacts "$root" "$out/artifacts.log" || progress "$LINE" demo "no eBPF artifacts: see $out/artifacts.log"
	vm_refresh_depmod "$root" "$krel"
	vm_write_conf "$root" demo-guest.sh --results "$VM_GUEST_BASE/results" --version "$(vm_expected_version)"
	progress "$LINE" demo "booting $krel under QEMU TCG; the guest narrates below"
	VM_VERBOSE=1 VM_CMDLINE="$VM_CMDLINE quiet loglevel=3" vm_boot "$LINE" "$out/console.log" || rc=$?
	vm_collect "$root" "$out"
	if [ "$rc" = 0 ] && [ -e "$out/complete" ] && [ "$(cat "$out/exit-status")" = 0 ]; then
		progress "$LINE" demo "done (console log: $out/console.log)"
	else
		progress "$LINE" demo "FAILED (VM status $rc; console log: $out/console.log)"
		return 1
	fi
}

main "$@"; exit
