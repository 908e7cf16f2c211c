#!/usr/bin/env bash
# Filter ordering: lower prio first, newest first inside one prio, chains
# reached only through "goto chain".
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

flush() { tcn "$NSB" filter del dev vb ingress; }

main() {
	lib_start
	setup_pair 140
	tcn "$NSB" qdisc add dev vb clsact

	step "prio 10 OK before prio 20 SHOT: passes"
	add_da "$NSB" vb da_ok ingress prio 10
	add_da "$NSB" vb da_shot ingress prio 20
	local dump
	dump=$(filters "$NSB" vb ingress)
	assert_match "dump" "$dump" 'pref 10 bpf'
	assert_match "dump" "$dump" 'pref 20 bpf'
	ping_ok "$NSA" "$ADDR_B"

	step "delete prio 10: SHOT now runs"
	tcn "$NSB" filter del dev vb ingress prio 10
	ping_fails "$NSA" "$ADDR_B"

	step "prio 10 SHOT before prio 20 OK: dropped"
	flush
	add_da "$NSB" vb da_ok ingress prio 20
	add_da "$NSB" vb da_shot ingress prio 10
	ping_fails "$NSA" "$ADDR_B"

	step "one prio, two filters: the newest (handle 2, SHOT) runs first"
	flush
	add_da "$NSB" vb da_ok ingress prio 5 handle 1
	add_da "$NSB" vb da_shot ingress prio 5 handle 2
	assert_eq "filters in prio 5" "$(filter_count "$NSB" vb ingress)" 2
	assert_match "dump order" "$(filters "$NSB" vb ingress | grep -o 'handle 0x[0-9a-f]*' | tr '\n' ' ')" \
		'^handle 0x2 handle 0x1 $'
	ping_fails "$NSA" "$ADDR_B"

	step "one prio, two filters: the newest (handle 2, OK) runs first"
	flush
	add_da "$NSB" vb da_shot ingress prio 5 handle 1
	add_da "$NSB" vb da_ok ingress prio 5 handle 2
	ping_ok "$NSA" "$ADDR_B"

	step "chain 1 is not run without a goto"
	flush
	add_da "$NSB" vb da_shot ingress chain 1 prio 1 handle 1
	add_da "$NSB" vb da_unspec ingress chain 0 prio 1 handle 1
	assert_match "chain 1 dump" "$(ip netns exec "$NSB" tc filter show dev vb ingress chain 1)" \
		'handle 0x1 da_shot\.o'
	ping_ok "$NSA" "$ADDR_B"

	step "chain 0 classifier + goto chain 1 reaches the SHOT filter there"
	tcn "$NSB" filter del dev vb ingress chain 0
	tcn "$NSB" filter add dev vb ingress chain 0 prio 1 handle 1 bpf \
		obj "$(obj cls_default)" sec classifier action gact goto chain 1
	ping_fails "$NSA" "$ADDR_B"

	step "replace the chain 1 filter with OK: passes"
	tcn "$NSB" filter replace dev vb ingress chain 1 prio 1 handle 1 bpf \
		obj "$(obj da_ok)" sec classifier da
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
