#!/usr/bin/env bash
# direct-action verdicts on clsact ingress: OK passes and ends
# classification, SHOT drops (qdisc drop counter rises), STOLEN and TRAP
# consume without a drop. (UNSPEC and unknown codes: 23-da-fallthrough.)
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=SCRIPTDIR/da-lib.sh
. "$(dirname "$0")/da-lib.sh"

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
