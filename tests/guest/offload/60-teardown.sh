#!/usr/bin/env bash
# Teardown with offloaded filters: hw-tc-offload cannot be disabled while a
# filter is offloaded (and can once it is gone); removing the qdisc or
# destroying the netdevsim device frees filters and programs; netdevsim and
# cls_bpf unload afterwards. Also the stats request of an offloaded filter.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hw_tc_state() { ethtool -k "$1" | sed -n 's/^hw-tc-offload: \([a-z]*\).*/\1/p'; }

add_offloaded() {
	local dev=$1
	expect_ok "skip_sw filter (tc loads the object bound to $dev)" \
		bpf_filter "$dev" add prio 1 handle 1 bpf obj "$OBJ" sec classifier da skip_sw
	expect_in_hw "$dev" "offloaded filter"
}

disable_offload() {
	local dev=$1
	step "disabling hw-tc-offload"
	add_offloaded "$dev"
	run ethtool -K "$dev" hw-tc-offload off
	check "hw-tc-offload still on with an offloaded filter" test "$(hw_tc_state "$dev")" = on
	expect_ok "tc -s filter show (stats request)" tc -s filter show dev "$dev" ingress
	expect_ok "delete the filter" bpf_filter "$dev" del prio 1 handle 1 bpf
	check "netdevsim released the program" test "$(offloaded_id "$dev")" = 0
	# The refused request left hw-tc-offload out of wanted_features; the
	# netlink ethtool API only re-evaluates features when the wanted set
	# changes, so request "on" first.
	run ethtool -K "$dev" hw-tc-offload on
	expect_ok "disable hw-tc-offload without filters" ethtool -K "$dev" hw-tc-offload off
	check "hw-tc-offload off" test "$(hw_tc_state "$dev")" = off
	expect_ok "re-enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
}

qdisc_removal() {
	local dev=$1
	step "qdisc removal frees filters and programs"
	add_offloaded "$dev"
	expect_ok "remove the ingress qdisc" tc qdisc del dev "$dev" ingress
	check "netdevsim holds nothing" test "$(offloaded_id "$dev")" = 0
	check "programs freed" wait_until 20 sched_cls_back_to_base
	check "nothing bound in netdevsim" wait_until 20 test "$(bound_count 9)" = 0
}

device_removal() {
	local dev=$1
	step "destroying the device frees filters and programs"
	expect_ok "ingress qdisc" tc_ingress "$dev"
	add_offloaded "$dev"
	expect_ok "destroy netdevsim9" nsim_del 9
	check "programs freed" wait_until 20 sched_cls_back_to_base
}

unload_modules() {
	step "modules unload"
	expect_ok "rmmod netdevsim" rmmod netdevsim
	if [ -d /sys/module/cls_bpf ]; then
		log "cls_bpf refcnt $(cat /sys/module/cls_bpf/refcnt)"
		expect_ok "rmmod cls_bpf" rmmod cls_bpf
	fi
}

main() {
	local dev
	single_port_setup 9
	dev=$PORT
	expect_ok "enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
	kernel_log_mark
	disable_offload "$dev"
	qdisc_removal "$dev"
	device_removal "$dev"
	check "kernel log clean" kernel_log_clean
	unload_modules
	pass
}

main "$@"
