#!/usr/bin/env bash
# Driver extack is passed through only for skip_sw filters: adding, replacing
# and deleting filters without skip_sw prints no "netdevsim" or "Warning:"
# message, with hw-tc-offload on (driver rejects the non-bound program) and
# off (core "TC offload is disabled"); with skip_sw the message does appear.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# add/replace/delete one filter with or without skip_hw; no leaked extack.
no_spurious_extack() {
	local dev=$1 needle=$2 flags=$3 what
	what="${flags:-no flags}, $needle"
	# shellcheck disable=SC2086 # empty flags must vanish
	no_extack_leak "add ($what)" "$needle" \
		bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $flags
	# shellcheck disable=SC2086
	no_extack_leak "replace ($what)" "$needle" \
		bpf_filter "$dev" replace prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $flags
	no_extack_leak "delete ($what)" "$needle" bpf_filter "$dev" del prio 1 handle 1 bpf
}

main() {
	local dev
	single_port_setup 4
	dev=$PORT
	prog_load sw >/dev/null || fail "cannot load the non-bound program"

	step "hw-tc-offload on, driver rejects non-bound programs"
	expect_ok "enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
	no_spurious_extack "$dev" netdevsim ''
	no_spurious_extack "$dev" netdevsim skip_hw
	expect_err "skip_sw add reports the driver's reason" "netdevsim configured to reject unbound programs" \
		bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da skip_sw

	step "hw-tc-offload off"
	expect_ok "disable hw-tc-offload" ethtool -K "$dev" hw-tc-offload off
	no_spurious_extack "$dev" "TC offload is disabled" ''
	no_spurious_extack "$dev" "TC offload is disabled" skip_hw
	expect_err "skip_sw add reports the core's reason" "TC offload is disabled on net device" \
		bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da skip_sw
	check "no filter left" test "$(filter_count "$dev")" = 0
	pass
}

main "$@"
