#!/usr/bin/env bash
# direct-action TC_ACT_UNSPEC and unknown verdicts continue with the next
# filter; TC_ACT_SHOT on egress drops before the packet leaves.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=SCRIPTDIR/da-lib.sh
. "$(dirname "$0")/da-lib.sh"

# falls_through PROG: alone it lets traffic pass; with a SHOT filter at a
# lower priority behind it, traffic is dropped by that one.
falls_through() {
	reset_filters
	add_da "$NSB" vb "$1" ingress prio 1
	passes
	add_da "$NSB" vb da_shot ingress prio 2
	dropped
}

main() {
	lib_start
	setup_pair 123
	tcn "$NSB" qdisc add dev vb clsact

	step "TC_ACT_UNSPEC continues with the next filter"
	falls_through da_unspec

	step "unknown verdict 42 is treated as TC_ACT_UNSPEC"
	falls_through da_unknown

	step "TC_ACT_SHOT on egress"
	reset_filters
	tcn "$NSA" qdisc add dev va clsact
	add_da "$NSA" va da_shot egress prio 1
	local drops echos
	drops=$(qdisc_drops "$NSA" va clsact)
	echos=$(in_echos "$NSB")
	ping_fails "$NSA" "$ADDR_B"
	# A local sender sees ENOBUFS and ping retries: at least PING_COUNT.
	assert_ge "drops on va clsact" "$(($(qdisc_drops "$NSA" va clsact) - drops))" "$PING_COUNT"
	assert_eq "echo requests reaching B" "$(($(in_echos "$NSB") - echos))" 0
	pass
}

main "$@"
