#!/usr/bin/env bash
# Classifier-mode filters with actions (gact drop, mirred redirect, police)
# and actions next to direct-action, where the program's verdict rules and
# the actions are accepted but not run.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

ECHOS=0

# cls NS PROG ACTIONS...: classifier-mode filter on vb ingress, prio 1.
cls_with() {
	local prog=$1
	shift
	tcn "$NSB" filter del dev vb ingress 2>/dev/null || true
	tcn "$NSB" filter add dev vb ingress prio 1 handle 1 bpf \
		obj "$(obj "$prog")" sec classifier "$@"
}

echos_since() { echo $(($(in_echos "$NSB") - ECHOS)); }

main() {
	lib_start
	setup_pair 130
	setup_redirect_target
	tcn "$NSB" qdisc add dev vb clsact

	step "return -1 + gact drop: packets dropped by the action"
	cls_with cls_default action gact drop
	ECHOS=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "echo requests reaching B" "$(echos_since)" 0
	assert_eq "packets seen by gact" "$(first_action_pkts "$NSB" vb ingress)" "$PING_COUNT"

	step "return 0 + gact drop: no match, the action does not run"
	cls_with cls_nomatch action gact drop
	ECHOS=$(in_echos "$NSB")
	ping_ok "$NSA" "$ADDR_B"
	assert_eq "echo requests reaching B" "$(echos_since)" "$PING_COUNT"
	assert_eq "packets seen by gact" "$(first_action_pkts "$NSB" vb ingress)" 0

	step "return classid + mirred redirect to vr: packets arrive on vc"
	cls_with cls_classid action mirred egress redirect dev vr
	local rx
	rx=$(link_stat "$NSC" vc rx_packets)
	ECHOS=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "packets arriving on vc" "$(($(link_stat "$NSC" vc rx_packets) - rx))" "$PING_COUNT"
	assert_eq "echo requests reaching B" "$(echos_since)" 0
	assert_eq "packets seen by mirred" "$(first_action_pkts "$NSB" vb ingress)" "$PING_COUNT"

	step "police (8kbit, burst 1000): small pings conform, 1200-byte ones exceed"
	cls_with cls_default police rate 8kbit burst 1000 conform-exceed drop
	ECHOS=$(in_echos "$NSB")
	ping_ok "$NSA" "$ADDR_B"
	assert_eq "small echo requests reaching B" "$(echos_since)" "$PING_COUNT"
	ECHOS=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B" -s 1200
	assert_eq "large echo requests reaching B" "$(echos_since)" 0

	step "direct-action + gact drop: accepted, the program's TC_ACT_OK wins"
	tcn "$NSB" filter del dev vb ingress
	add_da "$NSB" vb da_ok ingress prio 1 handle 1 -- action gact drop
	assert_match "filter dump" "$(filters "$NSB" vb ingress)" 'gact'
	ECHOS=$(in_echos "$NSB")
	ping_ok "$NSA" "$ADDR_B"
	assert_eq "echo requests reaching B" "$(echos_since)" "$PING_COUNT"
	assert_eq "packets seen by gact" "$(first_action_pkts "$NSB" vb ingress)" 0

	step "direct-action + gact ok: the program's TC_ACT_SHOT wins"
	tcn "$NSB" filter del dev vb ingress
	add_da "$NSB" vb da_shot ingress prio 1 handle 1 -- action gact ok
	ECHOS=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	assert_eq "echo requests reaching B" "$(echos_since)" 0
	pass
}

main "$@"
