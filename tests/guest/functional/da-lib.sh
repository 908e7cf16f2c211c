#!/usr/bin/env bash
# Helpers shared by the direct-action verdict tests (sourced after lib.sh):
# count echo requests B's stack saw and drops on vb's clsact around a ping.

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
