#!/usr/bin/env bash
# direct-action TC_ACT_REDIRECT: bpf_redirect() on vb ingress sends A's
# pings out of vr (ifindex 42) and they arrive on its peer vc in namespace C
# instead of B's stack.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	lib_start
	setup_pair 121
	setup_redirect_target
	tcn "$NSB" qdisc add dev vb clsact

	step "baseline: without a filter nothing reaches vc"
	local rx tx echos
	rx=$(link_stat "$NSC" vc rx_packets)
	ping_ok "$NSA" "$ADDR_B"
	assert_eq "packets on vc" "$(($(link_stat "$NSC" vc rx_packets) - rx))" 0

	step "bpf_redirect to ifindex $REDIRECT_IFINDEX"
	add_da "$NSB" vb da_redirect ingress prio 1
	rx=$(link_stat "$NSC" vc rx_packets)
	tx=$(link_stat "$NSB" vr tx_packets)
	echos=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "packets sent by vr" "$(($(link_stat "$NSB" vr tx_packets) - tx))" "$PING_COUNT"
	assert_eq "packets arriving on vc" "$(($(link_stat "$NSC" vc rx_packets) - rx))" "$PING_COUNT"
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - echos))" 0

	step "bpf_redirect on egress of va (to A's own ifindex $REDIRECT_IFINDEX)"
	tcn "$NSB" filter del dev vb ingress
	ns_add "${NS_PREFIX}d"
	veth_add "$NSA" vr2 - "${NS_PREFIX}d" vd - index "$REDIRECT_IFINDEX"
	tcn "$NSA" qdisc add dev va clsact
	add_da "$NSA" va da_redirect egress prio 1
	rx=$(link_stat "${NS_PREFIX}d" vd rx_packets)
	echos=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "packets arriving on vd" "$(($(link_stat "${NS_PREFIX}d" vd rx_packets) - rx))" "$PING_COUNT"
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - echos))" 0
	pass
}

main "$@"
