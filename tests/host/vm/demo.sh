#!/usr/bin/env bash
# A narrated demo for newcomers: install this repository's package into an
# overlay of the 6.1 (bookworm) root the way a user does (apt install of the
# .deb, dkms builds the module), boot that kernel under QEMU and show the
# module classifying real packets (tests/guest/demo.sh).
# Usage: demo.sh   (takes a few minutes under TCG; DEMO_LINE=6.12 demo.sh
# runs it on another kernel line)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/host/vm/lib.sh
. "$HOST_DIR/vm/lib.sh"

LINE=${DEMO_LINE:-6.1}
OUT=$CACHE_DIR/results/demo
RUN=''

# prepare: the root, a run overlay, our .deb through apt/dkms, guest inputs.
prepare() {
	local deb
	"$HOST_DIR/roots/make-root.sh" "$LINE" >/dev/null
	deb=$(DIST_DIR=$OUT/deb "$REPO_DIR/tools/build-deb.sh" 2>"$OUT/build-deb.log" | tail -n 1) ||
		die "the .deb did not build: see $OUT/build-deb.log"
	RUN=$(run_up "$LINE" demo)
	trap 'run_down "$RUN"' EXIT
	"$HOST_DIR/build/build.sh" "$RUN" "$deb" "$OUT/build" || die "the build stage failed (see above)"
	bash "$HOST_DIR/inputs/build.sh" "$OUT/inputs" >"$OUT/inputs.log" 2>&1 ||
		progress "$LINE" demo "no eBPF inputs: see $OUT/inputs.log"
}

main() {
	local rc=0
	[ $# = 0 ] || die "usage: demo.sh"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	prepare
	load_record "$RUN"
	vm_stage "$K_RUN_ROOT" "$OUT/inputs"
	vm_write_conf demo.sh --results "$VM_GUEST_BASE/results" --version "$(vm_expected_version)"
	progress "$LINE" demo "booting $K_KREL under QEMU TCG; the guest narrates below"
	VM_VERBOSE=1 VM_CMDLINE="$VM_CMDLINE quiet loglevel=3" vm_boot "$OUT/console.log" || rc=$?
	vm_collect "$OUT"
	if [ "$rc" = 0 ] && [ -e "$OUT/complete" ] && [ "$(cat "$OUT/exit-status")" = 0 ]; then
		progress "$LINE" demo "done (console log: $OUT/console.log)"
	else
		progress "$LINE" demo "FAILED (VM status $rc; console log: $OUT/console.log)"
		return 1
	fi
}

main "$@"; exit
