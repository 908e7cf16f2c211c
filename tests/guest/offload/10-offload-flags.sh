#!/usr/bin/env bash
# cls_bpf offload flags on one netdevsim port: hw-tc-offload off (skip_sw
# refused, software filters stay not_in_hw), hw-tc-offload on (skip_sw with a
# device-bound program is in_hw and held by netdevsim, skip_hw stays software,
# default flags try offload), cBPF and chain != 0 refused by the driver,
# a second skip_sw filter refused, stats dump of an offloaded filter.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

offload_off() {
	local dev=$1 id=$2
	step "hw-tc-offload off"
	expect_ok "skip_hw filter loads" bpf_filter "$dev" add prio 1 bpf pinned "$PIN_DIR/sw" da skip_hw
	expect_not_in_hw "$dev" "skip_hw filter"
	expect_ok "flag-less filter loads" bpf_filter "$dev" add prio 2 bpf pinned "$PIN_DIR/sw" da
	expect_not_in_hw "$dev" "flag-less filter with offload off"
	check "nothing bound in netdevsim" test "$(bound_count "$id")" = 0
	flush_filters "$dev"
	expect_err "skip_sw refused while hw-tc-offload is off" \
		"TC offload is disabled on net device" \
		bpf_filter "$dev" add prio 1 bpf obj "$OBJ" sec classifier da skip_sw
	check "no filter left after the refused skip_sw add" test "$(filter_count "$dev")" = 0
}

offload_on() {
	local dev=$1 id=$2 pid
	step "hw-tc-offload on"
	expect_ok "enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
	pid=$(prog_load bound "$dev") || fail "cannot load a program bound to $dev"
	log "device-bound program id $pid"
	expect_ok "skip_sw filter with a device-bound program" \
		bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound" da skip_sw
	expect_in_hw "$dev" "skip_sw filter"
	check "dump reports skip_sw" has_word "$OUT" skip_sw
	check "dump does not report skip_hw" lacks_word "$OUT" skip_hw
	check "dump id $(dump_id "$OUT") == bpftool id $pid" test "$(dump_id "$OUT")" = "$pid"
	check "netdevsim bpf_offloaded_id == $pid" test "$(offloaded_id "$dev")" = "$pid"
	check "bpf_bound_progs entry of $pid: loaded == Y" test "$(bound_prog_field "$id" "$pid" loaded)" = Y
	check "bpf_bound_progs entry of $pid: state == xlated" test "$(bound_prog_field "$id" "$pid" state)" = xlated

	step "stats request on an offloaded filter"
	kernel_log_mark
	expect_ok "tc -s filter show" tc -s filter show dev "$dev" ingress
	check "kernel log clean after the stats dump" kernel_log_clean

	step "second skip_sw filter (netdevsim holds one program per port)"
	# A second program: netdevsim tracks the offloaded program by pointer,
	# so the rollback of a filter sharing the first one's program would
	# remove it from the driver.
	prog_load bound2 "$dev" >/dev/null || fail "cannot load a second program bound to $dev"
	expect_err "second skip_sw filter refused" "offload states mismatch" \
		bpf_filter "$dev" add prio 2 handle 2 bpf pinned "$PIN_DIR/bound2" da skip_sw
	check "one filter left" test "$(filter_count "$dev")" = 1
	check "netdevsim still holds $pid" test "$(offloaded_id "$dev")" = "$pid"

	expect_ok "delete the offloaded filter" bpf_filter "$dev" del prio 1 handle 1 bpf
	check "netdevsim released the program" test "$(offloaded_id "$dev")" = 0

	step "skip_hw and default flags with offload on"
	expect_ok "skip_hw filter" bpf_filter "$dev" add prio 1 bpf pinned "$PIN_DIR/sw" da skip_hw
	expect_not_in_hw "$dev" "skip_hw filter with offload on"
	check "netdevsim holds nothing" test "$(offloaded_id "$dev")" = 0
	flush_filters "$dev"
	expect_ok "flag-less filter, non-bound program rejected by the driver" \
		bpf_filter "$dev" add prio 1 bpf pinned "$PIN_DIR/sw" da
	expect_not_in_hw "$dev" "flag-less filter, bpf_tc_non_bound_accept=N"
	flush_filters "$dev"
	dfs_set "$dev" bpf_tc_non_bound_accept Y
	expect_ok "flag-less filter, bpf_tc_non_bound_accept=Y" \
		bpf_filter "$dev" add prio 1 bpf pinned "$PIN_DIR/sw" da
	expect_in_hw "$dev" "flag-less filter tries offload by default"
	check "only the device-bound programs are bound" test "$(bound_count "$id")" = 2
	flush_filters "$dev"
	expect_ok "flag-less cBPF filter, bpf_tc_non_bound_accept=Y" \
		bpf_filter "$dev" add prio 1 bpf bytecode "$CBPF_BYTECODE"
	expect_in_hw "$dev" "cBPF bytecode tries offload by default"
	flush_filters "$dev"
	dfs_set "$dev" bpf_tc_non_bound_accept N
}

driver_refusals() {
	local dev=$1
	step "driver refusals"
	expect_err "skip_sw cBPF refused by netdevsim" \
		"netdevsim configured to reject unbound programs" \
		bpf_filter "$dev" add prio 1 bpf bytecode "$CBPF_BYTECODE" skip_sw
	check "no filter left" test "$(filter_count "$dev")" = 0
	expect_err "skip_sw on chain 1 refused" "Driver supports only offload of chain 0" \
		bpf_filter "$dev" add prio 1 handle 1 chain 1 bpf pinned "$PIN_DIR/bound" da skip_sw
	flush_filters "$dev"
	check "netdevsim holds nothing" test "$(offloaded_id "$dev")" = 0
}

main() {
	local dev
	single_port_setup 1
	dev=$PORT
	prog_load sw >/dev/null || fail "cannot load the non-bound program"
	offload_off "$dev" 1
	offload_on "$dev" 1
	driver_refusals "$dev"
	pass
}

main "$@"
