#!/usr/bin/env bash
# Two actions with one index in a single filter request: the first
# reserves the index, the second finds it reserved and answers -EAGAIN,
# and the core replays the request without limit, so nothing ever fills
# the reservation and the request spun in the kernel forever (found by
# make stress, seed 20261204). Ours gives up after 10 s of retries with a
# message; the index is free again and the filter table untouched. The
# in-tree module spins forever, so baseline mode skips the test.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	lib_start
	setup_pair 157
	tcn "$NSB" qdisc add dev vb clsact
	modprobe act_gact || fail "modprobe act_gact"
	tcn "$NSB" filter add dev vb ingress prio 1 handle 1 bpf bytecode '1,6 0 0 0'
	is_ours || skip "the in-tree module's request never returns (the kernel spins)"

	step "one request, two gact actions with index 77"
	expect_fail "add with index 77 twice" timeout 120 tc -n "$NSB" filter add dev vb ingress \
		prio 1 handle 2 bpf bytecode '1,6 0 0 0' action gact ok index 77 action gact drop index 77
	assert_match "the add's message" "$LAST_ERR" 'is an action index used twice'
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 1
	expect_fail "gact index 77 does not exist" tc -n "$NSB" actions get action gact index 77

	step "index 77 is free: one action with it works"
	tcn "$NSB" filter add dev vb ingress prio 1 handle 2 bpf bytecode '1,6 0 0 0' \
		action gact ok index 77
	assert_match "handle 2 with gact index 77" "$(filters "$NSB" vb ingress)" 'index 77 '
	tcn "$NSB" filter del dev vb ingress prio 1 handle 2 bpf
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
