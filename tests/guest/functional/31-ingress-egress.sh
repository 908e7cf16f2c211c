#!/usr/bin/env bash
# A program that parses the Ethernet and IPv4 headers from skb->data drops
# only IPv4 ICMP, on ingress (cls_bpf must push the MAC header back) and on
# egress; UDP keeps flowing.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# check_icmp_only NS DEV: after pings and UDP from A, ICMP was dropped on
# DEV's clsact and UDP reached B.
check_icmp_only() {
	local ns=$1 dev=$2 drops echos noports
	drops=$(qdisc_drops "$ns" "$dev" clsact)
	echos=$(in_echos "$NSB")
	noports=$(udp_noports "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	send_udp "$NSA" "$ADDR_B" 3
	# On the sender's egress ping sees ENOBUFS and retries: >= PING_COUNT.
	assert_ge "ICMP dropped on $dev" "$(($(qdisc_drops "$ns" "$dev" clsact) - drops))" "$PING_COUNT"
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - echos))" 0
	assert_eq "UDP datagrams reaching B" "$(($(udp_noports "$NSB") - noports))" 3
}

main() {
	lib_start
	setup_pair 131
	tcn "$NSA" qdisc add dev va clsact
	tcn "$NSB" qdisc add dev vb clsact

	step "ingress of vb, protocol all"
	add_da "$NSB" vb da_drop_icmp ingress protocol all prio 1
	check_icmp_only "$NSB" vb

	step "egress of va, protocol all"
	tcn "$NSB" filter del dev vb ingress
	add_da "$NSA" va da_drop_icmp egress protocol all prio 1
	check_icmp_only "$NSA" va

	step "egress of vb: requests arrive, replies are dropped"
	tcn "$NSA" filter del dev va egress
	add_da "$NSB" vb da_drop_icmp egress protocol all prio 1
	local echos drops
	echos=$(in_echos "$NSB")
	drops=$(qdisc_drops "$NSB" vb clsact)
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - echos))" "$PING_COUNT"
	assert_eq "replies dropped on vb" "$(($(qdisc_drops "$NSB" vb clsact) - drops))" "$PING_COUNT"

	step "no filters left: traffic flows again"
	tcn "$NSB" filter del dev vb egress
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
