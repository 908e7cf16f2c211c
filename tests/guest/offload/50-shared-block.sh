#!/usr/bin/env bash
# Shared block (ingress_block 22) over two ports of one netdevsim device:
# filters are offloaded to a port that binds later (reoffload add) and
# removed from a port that unbinds (reoffload del); a skip_sw filter the new
# port cannot take makes the bind fail cleanly and changes nothing, also
# when the replay fails in a tp of another classifier sorted before ours.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reoffload() {
	local p0=$1 p1=$2 pid=$3 flags=$4
	step "reoffload of a ${flags:-flag-less} filter"
	# shellcheck disable=SC2086 # empty flags must vanish
	expect_ok "filter on block 22 (${flags:-no flags})" \
		bpf_filter block:22 add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $flags
	expect_in_hw block:22 "filter on block 22"
	check_in_hw_count "in_hw_count 1 before $p1 binds" 1
	check "$p0 holds $pid" test "$(offloaded_id "$p0")" = "$pid"
	expect_ok "$p1 binds to block 22" tc qdisc add dev "$p1" ingress_block 22 ingress
	show_filters block:22
	check_in_hw_count "in_hw_count 2 after $p1 binds" 2
	check "$p1 holds $pid (reoffloaded)" test "$(offloaded_id "$p1")" = "$pid"
	expect_ok "$p1 unbinds" tc qdisc del dev "$p1" ingress
	show_filters block:22
	check_in_hw_count "in_hw_count 1 after $p1 unbinds" 1
	check "$p1 holds nothing after unbinding" test "$(offloaded_id "$p1")" = 0
	check "$p0 still holds $pid" test "$(offloaded_id "$p0")" = "$pid"
	expect_ok "delete the filter" bpf_filter block:22 del prio 1 handle 1 bpf
	check "$p0 holds nothing" test "$(offloaded_id "$p0")" = 0
}

# failing_bind P0 P1 PID CAUSE: block 22 (bound to P0) holds a skip_sw
# filter, and a bind of P1 must fail and change nothing. CAUSE "driver":
# P1's netdevsim refuses the filter, so the replay fails inside our tp.
# CAUSE "basic": a basic filter sorted before ours cannot be replayed, so
# the replay fails before it reaches our tp.
# The in-tree module lets the core's undo pass (reoffload add=false)
# "remove" the filter from P1, which never held it; netdevsim answers 0,
# block->offloadcnt drops to 0 and the bind succeeds as a non-offloading
# device (recorded in baseline mode). Ours skips the undo for a device its
# filters were never offered to.
failing_bind() {
	local p0=$1 p1=$2 pid=$3 cause=$4 prio=1
	step "a bind of $p1 fails ($cause) while block 22 holds a skip_sw filter"
	if [ "$cause" = basic ]; then
		prio=2
		# cls_basic refuses a request without options: give it an action
		expect_ok "basic filter in prio 1 (no reoffload support)" \
			tc filter add block 22 prio 1 protocol all basic action ok
	else
		dfs_set "$p1" bpf_tc_non_bound_accept N
	fi
	expect_ok "skip_sw filter on block 22, prio $prio" \
		bpf_filter block:22 add prio "$prio" handle 1 bpf pinned "$PIN_DIR/sw" da skip_sw
	run tc qdisc add dev "$p1" ingress_block 22 ingress
	if [ "$RC" != 0 ]; then
		ok "$p1 cannot bind to block 22"
		result "shared-block-refused-bind-$cause" "refused: $(grep -m1 'Error' <<<"$ERR" || echo "exit $RC, no extack")"
	else
		result "shared-block-refused-bind-$cause" "accepted: $(head -n 1 <<<"$ERR")"
		if is_ours; then not_ok "$p1 bound to block 22 although the replay failed ($cause)"; fi
		tc qdisc del dev "$p1" ingress
	fi
	check "$p1 holds nothing" test "$(offloaded_id "$p1")" = 0
	check "$p0 still holds $pid" test "$(offloaded_id "$p0")" = "$pid"
	show_filters block:22
	if is_in_hw "$OUT"; then
		result "shared-block-filter-after-refused-bind-$cause" in_hw
	else
		result "shared-block-filter-after-refused-bind-$cause" "not reported in_hw"
		if is_ours; then not_ok "skip_sw filter lost in_hw after the refused bind ($cause)"; fi
	fi
	check_in_hw_count "in_hw_count still 1" 1
	if [ "$cause" = basic ]; then
		expect_ok "delete the basic filter" tc filter del block 22 prio 1 protocol all basic
	else
		dfs_set "$p1" bpf_tc_non_bound_accept Y
	fi
	expect_ok "$p1 binds once nothing refuses" tc qdisc add dev "$p1" ingress_block 22 ingress
	check "$p1 holds $pid" test "$(offloaded_id "$p1")" = "$pid"
	expect_ok "remove $p1's qdisc" tc qdisc del dev "$p1" ingress
	expect_ok "delete the skip_sw filter" bpf_filter block:22 del prio "$prio" handle 1 bpf
	check "$p0 holds nothing" test "$(offloaded_id "$p0")" = 0
	check "$p1 holds nothing" test "$(offloaded_id "$p1")" = 0
}

main() {
	local p0 p1 pid n
	require_env
	nsim_new 7 2
	p0=$(nsim_port 7 0) p1=$(nsim_port 7 1)
	for n in "$p0" "$p1"; do
		expect_ok "enable hw-tc-offload on $n" ethtool -K "$n" hw-tc-offload on
		# The non-bound program is offloaded by both ports.
		dfs_set "$n" bpf_tc_non_bound_accept Y
	done
	pid=$(prog_load sw) || fail "cannot load the non-bound program"
	kernel_log_mark
	expect_ok "$p0 binds to block 22" tc qdisc add dev "$p0" ingress_block 22 ingress
	reoffload "$p0" "$p1" "$pid" ''
	reoffload "$p0" "$p1" "$pid" skip_sw
	failing_bind "$p0" "$p1" "$pid" driver
	failing_bind "$p0" "$p1" "$pid" basic
	expect_ok "remove $p0's qdisc (last user of the block)" tc qdisc del dev "$p0" ingress
	check "kernel log clean" kernel_log_clean
	rm -f "$PIN_DIR/sw"
	check "programs freed" wait_until 20 sched_cls_back_to_base
	pass
}

main "$@"
