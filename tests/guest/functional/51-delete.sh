#!/usr/bin/env bash
# Delete by handle, by prio, flush of a hook; deleting a missing handle fails.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

listing() {
	filters "$NSB" vb ingress | awk '
		/ pref / { for (i = 1; i <= NF; i++) if ($i == "pref") p = $(i + 1) }
		/ handle / { for (i = 1; i <= NF; i++) if ($i == "handle") printf "%s/%s ", p, $(i + 1) }'
}

main() {
	lib_start
	setup_pair 151
	tcn "$NSB" qdisc add dev vb clsact
	local before
	before=$(prog_count)
	local h
	for h in 1 2 3; do add_da "$NSB" vb da_ok ingress prio 1 handle "$h"; done
	add_da "$NSB" vb da_shot ingress prio 2 handle 1
	assert_eq "filters" "$(listing)" "1/0x3 1/0x2 1/0x1 2/0x1 "
	ping_ok "$NSA" "$ADDR_B"

	step "delete prio 1 handle 2"
	tcn "$NSB" filter del dev vb ingress prio 1 handle 2 bpf
	assert_eq "filters" "$(listing)" "1/0x3 1/0x1 2/0x1 "

	step "deleting a missing handle fails"
	expect_fail "delete prio 1 handle 2 again" \
		tcn "$NSB" filter del dev vb ingress prio 1 handle 2 bpf
	assert_eq "filters" "$(listing)" "1/0x3 1/0x1 2/0x1 "

	step "delete all of prio 1: the SHOT filter of prio 2 now runs"
	tcn "$NSB" filter del dev vb ingress prio 1
	assert_eq "filters" "$(listing)" "2/0x1 "
	ping_fails "$NSA" "$ADDR_B"

	step "flush the hook"
	add_da "$NSB" vb da_ok ingress prio 3 handle 1
	tcn "$NSB" filter del dev vb ingress
	assert_eq "filters" "$(listing)" ""
	ping_ok "$NSA" "$ADDR_B"
	wait_prog_count "$before"
	pass
}

main "$@"
