#!/usr/bin/env bash
# Device-bound programs on the wrong device: a program bound to netdevsim
# device A used for a skip_sw filter on device B (different bpf_offload_dev)
# is rejected with "Program is bound to a different device"; on a shared
# block spanning A and B it is rejected with a message; on a shared block of
# two ports of A (one bpf_offload_dev) the outcome is recorded/asserted.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Kernel lines whose upstream cls_bpf checks the bound device (6.12.105+, 7.x).
upstream_has_devcheck() { case "$TEST_KERNEL_LINE" in 6.12 | 7.*) return 0 ;; esac; return 1; }
# Lines where our module implements the shared-block policy (tcf_block has ports).
ours_has_block_policy() { case "$TEST_KERNEL_LINE" in 6.12 | 7.*) return 0 ;; esac; return 1; }

# mismatch_case DESC MSG WHERE: add a skip_sw filter with the program bound to
# device A at WHERE; it must be refused (MSG required if not empty) when
# STRICT=1, otherwise the outcome is only recorded.
mismatch_case() {
	local desc=$1 msg=$2 where=$3 strict=$4 name=$5
	if [ "$strict" = 1 ]; then
		expect_err "$desc" "$msg" bpf_filter "$where" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da skip_sw
		[ "$LAST_OK" = 0 ] || check "$desc: error message not empty" test -n "$ERR"
	else
		run bpf_filter "$where" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da skip_sw
	fi
	if [ "$RC" = 0 ]; then
		show_filters "$where"
		result "$name" "accepted ($(grep -ow -e in_hw -e not_in_hw -e 'in_hw_count [0-9]*' <<<"$OUT" | tr '\n' ' '))"
		flush_filters "$where"
	else
		result "$name" "rejected: $(grep -m1 'Error' <<<"$ERR" || echo "exit $RC")"
	fi
	check "$desc: kernel log clean" klog_clean
}

strictness() {
	if is_ours || upstream_has_devcheck; then echo 1; else echo 0; fi
}

different_device() {
	local a=$1 b=$2
	step "program bound to $a, filter on $b (another netdevsim device)"
	expect_ok "ingress qdisc on $b" tc_ingress "$b"
	mismatch_case "skip_sw filter on the wrong device" "Program is bound to a different device" \
		"$b" "$(strictness)" devbound-other-device
	check "$b: netdevsim holds nothing" test "$(offloaded_id "$b")" = 0
	tc qdisc del dev "$b" ingress
}

shared_block_two_devices() {
	local a=$1 b=$2
	step "shared block 23 spanning $a and $b (two netdevsim devices)"
	expect_ok "$a joins block 23" tc qdisc add dev "$a" ingress_block 23 ingress
	expect_ok "$b joins block 23" tc qdisc add dev "$b" ingress_block 23 ingress
	mismatch_case "skip_sw filter on a block spanning two devices" "" \
		block:23 "$(strictness)" devbound-block-two-devices
	check "$b: netdevsim holds nothing" test "$(offloaded_id "$b")" = 0
	tc qdisc del dev "$a" ingress
	tc qdisc del dev "$b" ingress
}

shared_block_one_device() {
	local a=$1 a2=$2 pid=$3
	step "shared block 24 spanning $a and $a2 (ports of one netdevsim device)"
	expect_ok "$a joins block 24" tc qdisc add dev "$a" ingress_block 24 ingress
	expect_ok "$a2 joins block 24" tc qdisc add dev "$a2" ingress_block 24 ingress
	run bpf_filter block:24 add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da skip_sw
	if [ "$RC" = 0 ]; then
		show_filters block:24
		result devbound-block-one-device "accepted ($a holds $(offloaded_id "$a"), $a2 holds $(offloaded_id "$a2"))"
		if is_ours && ours_has_block_policy; then
			check_in_hw_count "in_hw on both ports" 2
			check "$a holds $pid" test "$(offloaded_id "$a")" = "$pid"
			check "$a2 holds $pid" test "$(offloaded_id "$a2")" = "$pid"
		fi
		flush_filters block:24
	else
		result devbound-block-one-device "rejected: $(grep -m1 'Error' <<<"$ERR" || echo "exit $RC")"
		if is_ours && ours_has_block_policy; then
			fail "program bound to the block's only offload device refused"
		fi
	fi
	check "kernel log clean" klog_clean
	tc qdisc del dev "$a" ingress
	tc qdisc del dev "$a2" ingress
}

main() {
	local a a2 b pid n
	require_env
	nsim_new 5 2
	nsim_new 6 1
	a=$(nsim_port 5 0) a2=$(nsim_port 5 1) b=$(nsim_port 6 0)
	for n in "$a" "$a2" "$b"; do
		expect_ok "enable hw-tc-offload on $n" ethtool -K "$n" hw-tc-offload on
	done
	pid=$(prog_load bound-a "$a") || fatal "cannot load a program bound to $a"
	log "program $pid bound to $a (netdevsim5)"
	klog_mark
	different_device "$a" "$b"
	shared_block_two_devices "$a" "$b"
	shared_block_one_device "$a" "$a2" "$pid"
	rm -f "$PIN_DIR/bound-a"
	check "programs freed" wait_until 20 sched_cls_back_to_base
	finish
}

main "$@"
