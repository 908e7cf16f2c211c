#!/usr/bin/env bash
# eBPF classifiers without direct-action under HTB: return 0 = no match,
# -1 = the filter's classid, other = that classid (1:30); unclassified
# packets go to the default class 1:40.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

snapshot() { class_snapshot "$NSA" va; }

# expect_classes N10 N20 N30 N40
expect_classes() { class_expect "$NSA" va "1:10=$1" "1:20=$2" "1:30=$3" "1:40=$4"; }

cls() {
	local prio=$1 prog=$2 classid=$3
	tcn "$NSA" filter add dev va parent 1: protocol ip prio "$prio" bpf \
		obj "$(obj "$prog")" sec classifier classid "$classid"
}

main() {
	lib_start
	setup_pair 111
	setup_htb "$NSA" va

	step "no filter: default class 1:40"
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 0 0 "$PING_COUNT"

	step "return 0 (classid 1:10) falls through to return -1 (classid 1:20)"
	cls 1 cls_nomatch 1:10
	cls 2 cls_default 1:20
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 "$PING_COUNT" 0 0

	step "return 0x10030 overrides the filter's classid 1:10"
	tcn "$NSA" filter del dev va parent 1:
	cls 1 cls_classid 1:10
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 0 "$PING_COUNT" 0

	step "only a no-match filter: default class"
	tcn "$NSA" filter del dev va parent 1:
	cls 1 cls_nomatch 1:10
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 0 0 "$PING_COUNT"
	pass
}

main "$@"
