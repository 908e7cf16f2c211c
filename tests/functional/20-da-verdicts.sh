#!/usr/bin/env bash
# direct-action verdicts on clsact ingress: OK passes and ends
# classification, SHOT drops (qdisc drop counter rises), STOLEN and TRAP
# consume without a drop. (UNSPEC and unknown codes: 23-da-fallthrough.)
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

ECHOS=0 DROPS=0

snapshot() {
	ECHOS=$(in_echos "$NSB")
	DROPS=$(qdisc_drops "$NSB" vb clsact)
}

# expect ECHOS DROPS: echo requests B's stack saw and vb clsact drops since
# the snapshot.
expect() {
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - ECHOS))" "$1"
	assert_eq "drops on vb clsact" "$(($(qdisc_drops "$NSB" vb clsact) - DROPS))" "$2"
}

reset_filters() { tcn "$NSB" filter del dev vb ingress; }

passes() {
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect "$PING_COUNT" 0
}

dropped() {
	snapshot
	ping_fails "$NSA" "$ADDR_B"
	expect 0 "$PING_COUNT"
}

consumed() {
	snapshot
	ping_fails "$NSA" "$ADDR_B"
	expect 0 0
}

main() {
	lib_start
	setup_pair 120
	tcn "$NSB" qdisc add dev vb clsact

	step "TC_ACT_OK passes and stops classification (SHOT behind it never runs)"
	add_da "$NSB" vb da_ok ingress prio 1
	add_da "$NSB" vb da_shot ingress prio 2
	passes

	step "TC_ACT_SHOT drops"
	reset_filters
	add_da "$NSB" vb da_shot ingress prio 1
	add_da "$NSB" vb da_ok ingress prio 2
	dropped

	step "TC_ACT_STOLEN consumes (no drop counted)"
	reset_filters
	add_da "$NSB" vb da_stolen ingress prio 1
	add_da "$NSB" vb da_ok ingress prio 2
	consumed

	step "TC_ACT_TRAP consumes (no drop counted)"
	reset_filters
	add_da "$NSB" vb da_trap ingress prio 1
	add_da "$NSB" vb da_ok ingress prio 2
	consumed
	pass
}

main "$@"
