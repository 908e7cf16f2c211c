#!/usr/bin/env bash
# Replace of an offloaded (skip_sw) filter while the driver rejects every
# offload (netdevsim bpf_tc_accept=N): the replace fails once with the
# driver's error, the rollback is attempted once (no recursion, no stack
# overflow), the old program stays installed and offloaded, and everything
# is freed afterwards.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
	local dev a b errors
	single_port_setup 3
	dev=$PORT
	expect_ok "enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
	a=$(prog_load bound-a "$dev") || fail "cannot load bound-a"
	b=$(prog_load bound-b "$dev") || fail "cannot load bound-b"
	log "device-bound programs: a=$a b=$b"
	expect_ok "skip_sw filter with a" bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da skip_sw
	check "netdevsim holds a" test "$(offloaded_id "$dev")" = "$a"

	step "replace while netdevsim rejects TC offload"
	dfs_set "$dev" bpf_tc_accept N
	kernel_log_mark
	expect_err "replace refused" "configured to reject BPF TC offload" \
		bpf_filter "$dev" replace prio 1 handle 1 bpf pinned "$PIN_DIR/bound-b" da skip_sw
	errors=$(grep -c 'Error' <<<"$ERR" || true)
	check "exactly one error reported ($errors)" test "$errors" = 1
	check "kernel log clean (no recursion, no stack overflow)" kernel_log_clean
	show_filters "$dev"
	check "old program a still installed (dump id $(dump_id "$OUT"))" test "$(dump_id "$OUT")" = "$a"
	check "netdevsim still holds a" test "$(offloaded_id "$dev")" = "$a"
	if is_in_hw "$OUT"; then result replace-reject-old-filter in_hw; else result replace-reject-old-filter not_in_hw; fi

	step "recovery"
	dfs_set "$dev" bpf_tc_accept Y
	expect_ok "delete the old filter" bpf_filter "$dev" del prio 1 handle 1 bpf
	check "netdevsim released a" test "$(offloaded_id "$dev")" = 0
	check "no filter left" test "$(filter_count "$dev")" = 0
	rm -f "$PIN_DIR/bound-a" "$PIN_DIR/bound-b"
	check "programs freed" wait_until 20 sched_cls_back_to_base
	check "kernel log clean" kernel_log_clean
	pass
}

main "$@"
