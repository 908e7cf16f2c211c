#!/usr/bin/env bash
# direct-action under HTB: the class is TC_H_MAJ(filter classid) |
# skb->tc_classid, where tc_classid starts as the filter's classid and the
# program may overwrite it. SHOT drops in the classful qdisc too.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

snapshot() { class_snapshot "$NSA" va; }

# expect_classes N10 N20 N30 N40
expect_classes() { class_expect "$NSA" va "1:10=$1" "1:20=$2" "1:30=$3" "1:40=$4"; }

# run_case PROG CLASSID|- N10 N20 N30 N40
run_case() {
	local prog=$1 classid=$2
	shift 2
	tcn "$NSA" filter del dev va parent 1: 2>/dev/null || true
	if [[ "$classid" == - ]]; then
		add_da "$NSA" va "$prog" parent 1: protocol ip prio 1
	else
		add_da "$NSA" va "$prog" parent 1: protocol ip prio 1 -- classid "$classid"
	fi
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes "$@"
}

main() {
	lib_start
	setup_pair 122
	setup_htb "$NSA" va

	step "TC_ACT_OK without touching tc_classid: the filter's classid 1:30"
	run_case da_ok 1:30 0 0 "$PING_COUNT" 0

	step "program sets tc_classid 0x20, filter classid 1:10: class 1:20"
	run_case da_classid 1:10 0 "$PING_COUNT" 0 0

	step "program sets tc_classid 0x20, no filter classid: no such class, default 1:40"
	run_case da_classid - 0 0 0 "$PING_COUNT"

	step "TC_ACT_UNSPEC: no classification, default 1:40"
	run_case da_unspec 1:10 0 0 0 "$PING_COUNT"

	step "TC_ACT_SHOT drops inside HTB"
	tcn "$NSA" filter del dev va parent 1:
	add_da "$NSA" va da_shot parent 1: protocol ip prio 1 -- classid 1:10
	local drops
	drops=$(qdisc_drops "$NSA" va htb)
	snapshot
	ping_fails "$NSA" "$ADDR_B"
	expect_classes 0 0 0 0
	# ping sees ENOBUFS and retries: at least PING_COUNT drops.
	assert_ge "drops on va htb" "$(($(qdisc_drops "$NSA" va htb) - drops))" "$PING_COUNT"
	pass
}

main "$@"
