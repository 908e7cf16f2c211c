#!/usr/bin/env bash
# Shared blocks: one bpf filter in ingress_block 41 acts on two devices;
# it survives the removal of one of them and goes with the last one.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

BLOCK=41

block_show() { ip netns exec "$NSB" tc filter show block "$BLOCK"; }

main() {
	lib_start
	ns_add "$NSA" "$NSB"
	veth_add "$NSA" va1 10.141.0.1 "$NSB" vb1 10.141.0.2
	veth_add "$NSA" va2 10.142.0.1 "$NSB" vb2 10.142.0.2
	tcn "$NSB" qdisc add dev vb1 ingress_block "$BLOCK" clsact
	tcn "$NSB" qdisc add dev vb2 ingress_block "$BLOCK" clsact
	local before
	before=$(prog_count)

	step "SHOT in block $BLOCK drops on both devices"
	tcn "$NSB" filter add block "$BLOCK" prio 1 handle 1 bpf \
		obj "$(obj da_shot)" sec classifier da
	assert_match "block dump" "$(block_show)" 'handle 0x1 .*direct-action'
	local d1 d2
	d1=$(qdisc_drops "$NSB" vb1 clsact)
	d2=$(qdisc_drops "$NSB" vb2 clsact)
	ping_fails "$NSA" 10.141.0.2
	ping_fails "$NSA" 10.142.0.2
	assert_eq "drops on vb1" "$(($(qdisc_drops "$NSB" vb1 clsact) - d1))" "$PING_COUNT"
	assert_eq "drops on vb2" "$(($(qdisc_drops "$NSB" vb2 clsact) - d2))" "$PING_COUNT"

	step "replace in the block with OK: both devices pass"
	tcn "$NSB" filter replace block "$BLOCK" prio 1 handle 1 bpf \
		obj "$(obj da_ok)" sec classifier da
	ping_ok "$NSA" 10.141.0.2
	ping_ok "$NSA" 10.142.0.2
	assert_eq "filters in block" "$(block_show | grep -c ' handle ')" 1

	step "deleting vb2 keeps the block filter for vb1"
	ip -n "$NSB" link del vb2
	assert_match "block dump" "$(block_show)" 'handle 0x1 '
	tcn "$NSB" filter replace block "$BLOCK" prio 1 handle 1 bpf \
		obj "$(obj da_shot)" sec classifier da
	ping_fails "$NSA" 10.141.0.2

	step "deleting the last qdisc of the block removes the filter"
	tcn "$NSB" qdisc del dev vb1 clsact
	local out
	out=$(block_show 2>&1 || true)
	assert_no_match "block dump" "$out" ' handle '
	ping_ok "$NSA" 10.141.0.2
	wait_prog_count "$before"
	pass
}

main "$@"
