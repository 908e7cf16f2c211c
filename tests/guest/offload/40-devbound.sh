#!/usr/bin/env bash
# Device-bound programs: one bound to netdevsim device A is refused without
# skip_sw ("needs skip_sw"), and with skip_sw on device B (different
# bpf_offload_dev: "Program is bound to a different device"). Ours follows
# upstream 7.3 on every kernel and refuses it on any shared block, also one
# whose ports all belong to A (6.12.y's in-tree module accepts that one, and
# 7.x netdevsim would hand it to a foreign device joining later).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SHARED_MSG="Device-bound programs cannot be attached to a shared block"

DEVCHECK_MSG="Program is bound to a different device"

# Does the loaded module check the bound device? Upstream's cls_bpf does
# since "net/sched: cls_bpf: reject dev-bound programs bound to a different
# device" (mainline 120977e2c096; Debian 6.12.105, 7.2.13, 7.3-rc7): the
# module's own text says whether this kernel's copy carries it, whatever
# the kernel line.
module_has_devcheck() {
	local path
	path=$(modinfo -n cls_bpf) || fail "modinfo cannot find cls_bpf"
	module_decompress "$path" | grep -aF "$DEVCHECK_MSG" >/dev/null
}

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
	check "$desc: kernel log clean" kernel_log_clean
}

strictness() {
	if is_ours || module_has_devcheck; then echo 1; else echo 0; fi
}

different_device() {
	local a=$1 b=$2
	step "program bound to $a, filter on $b (another netdevsim device)"
	expect_ok "ingress qdisc on $b" tc_ingress "$b"
	mismatch_case "skip_sw filter on the wrong device" "$DEVCHECK_MSG" \
		"$b" "$(strictness)" devbound-other-device
	check "$b: netdevsim holds nothing" test "$(offloaded_id "$b")" = 0
	tc qdisc del dev "$b" ingress
}

# shared_msg: what ours must say on a shared block (the in-tree one may say anything).
shared_msg() { if is_ours; then echo "$SHARED_MSG"; fi; }

without_skip_sw() {
	local a=$1
	step "program bound to $a, filter on $a without skip_sw"
	expect_ok "ingress qdisc on $a" tc_ingress "$a"
	local msg=''
	if is_ours; then msg="BPF program is bound to a device: it needs skip_sw"; fi
	expect_err "device-bound program without skip_sw" "$msg" \
		bpf_filter "$a" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da
	result devbound-without-skip-sw "rejected: $(grep -m1 'Error' <<<"$ERR" || echo "exit $RC, no extack")"
	check "$a: netdevsim holds nothing" test "$(offloaded_id "$a")" = 0
	check "kernel log clean" kernel_log_clean
	tc qdisc del dev "$a" ingress
}

shared_block_two_devices() {
	local a=$1 b=$2
	step "shared block 23 spanning $a and $b (two netdevsim devices)"
	expect_ok "$a joins block 23" tc qdisc add dev "$a" ingress_block 23 ingress
	expect_ok "$b joins block 23" tc qdisc add dev "$b" ingress_block 23 ingress
	mismatch_case "skip_sw filter on a block spanning two devices" "$(shared_msg)" \
		block:23 "$(strictness)" devbound-block-two-devices
	check "$b: netdevsim holds nothing" test "$(offloaded_id "$b")" = 0
	tc qdisc del dev "$a" ingress
	tc qdisc del dev "$b" ingress
}

# The 6.12.y in-tree module accepts this (recorded); ours and 7.x refuse it.
shared_block_one_device() {
	local a=$1 a2=$2 strict=0
	step "shared block 24 spanning $a and $a2 (ports of one netdevsim device)"
	expect_ok "$a joins block 24" tc qdisc add dev "$a" ingress_block 24 ingress
	expect_ok "$a2 joins block 24" tc qdisc add dev "$a2" ingress_block 24 ingress
	if is_ours; then strict=1; fi
	mismatch_case "skip_sw filter on a block of one device's ports" "$(shared_msg)" \
		block:24 "$strict" devbound-block-one-device
	check "$a holds nothing" test "$(offloaded_id "$a")" = 0
	check "$a2 holds nothing" test "$(offloaded_id "$a2")" = 0
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
	pid=$(prog_load bound-a "$a") || fail "cannot load a program bound to $a"
	log "program $pid bound to $a (netdevsim5)"
	kernel_log_mark
	without_skip_sw "$a"
	different_device "$a" "$b"
	shared_block_two_devices "$a" "$b"
	shared_block_one_device "$a" "$a2"
	rm -f "$PIN_DIR/bound-a"
	check "programs freed" wait_until 20 sched_cls_back_to_base
	pass
}

main "$@"
