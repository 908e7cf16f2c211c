#!/usr/bin/env bash
# Explicit and automatic handles within one prio, EEXIST on a taken handle,
# replace creating a missing filter, automatic priorities 49152, 49151.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

flush() { tcn "$NSB" filter del dev vb ingress; }

handles() { filters "$NSB" vb ingress | grep -o 'handle 0x[0-9a-f]*' | sort | tr '\n' ' '; }

prefs() { filters "$NSB" vb ingress | grep -o 'pref [0-9]*' | sort -u | tr '\n' ' '; }

main() {
	lib_start
	setup_pair 152
	tcn "$NSB" qdisc add dev vb clsact

	step "automatic handles count up in one prio, explicit ones stay"
	add_da "$NSB" vb da_ok ingress prio 1
	add_da "$NSB" vb da_ok ingress prio 1
	add_da "$NSB" vb da_ok ingress prio 1 handle 0x10
	assert_eq "handles" "$(handles)" "handle 0x1 handle 0x10 handle 0x2 "
	expect_fail "add on an existing handle" add_da "$NSB" vb da_shot ingress prio 1 handle 2
	assert_eq "filters after refused add" "$(filter_count "$NSB" vb ingress)" 3
	ping_ok "$NSA" "$ADDR_B"

	step "replace creates a filter that does not exist yet"
	tcn "$NSB" filter replace dev vb ingress prio 1 handle 7 bpf \
		obj "$(obj da_ok)" sec classifier da
	assert_eq "filters" "$(filter_count "$NSB" vb ingress)" 4

	step "automatic priorities: 49152, then 49151"
	flush
	add_da "$NSB" vb da_ok ingress
	add_da "$NSB" vb da_ok ingress
	assert_eq "prefs" "$(prefs)" "pref 49151 pref 49152 "
	pass
}

main "$@"
