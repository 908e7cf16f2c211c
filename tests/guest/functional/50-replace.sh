#!/usr/bin/env bash
# Replace in place (same handle and prio, new program, old one freed),
# change, and replace with changed skip flags refused with a message.
# (Handles and priorities: 52-handles.)
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

replace_da() {
	local prog=$1
	shift
	tcn "$NSB" filter replace dev vb ingress prio 1 handle 1 bpf \
		obj "$(obj "$prog")" sec classifier da "$@"
}

flush() { tcn "$NSB" filter del dev vb ingress; }

main() {
	lib_start
	setup_pair 150
	tcn "$NSB" qdisc add dev vb clsact

	step "replace SHOT by OK on prio 1 handle 1"
	add_da "$NSB" vb da_shot ingress prio 1 handle 1
	ping_fails "$NSA" "$ADDR_B"
	local id1 id2
	id1=$(prog_id_of "$NSB" vb ingress 0x1)
	[[ -n "$id1" ]] || fail "no prog id in the dump"
	replace_da da_ok
	id2=$(prog_id_of "$NSB" vb ingress 0x1)
	assert_ne "prog id after replace" "$id2" "$id1"
	assert_eq "filters after replace" "$(filter_count "$NSB" vb ingress)" 1
	ping_ok "$NSA" "$ADDR_B"
	wait_prog_gone "$id1"

	step "tc filter change back to SHOT"
	tcn "$NSB" filter change dev vb ingress prio 1 handle 1 bpf \
		obj "$(obj da_shot)" sec classifier da
	ping_fails "$NSA" "$ADDR_B"
	id1=$(prog_id_of "$NSB" vb ingress 0x1)

	step "replace adding skip_hw is refused with a message"
	expect_fail "replace with skip_hw" replace_da da_ok skip_hw
	[[ -n "$LAST_ERR" ]] || fail "no error message on stderr"
	if is_ours; then
		assert_match "extack on stderr" "$LAST_ERR" '^Error: .*[[:alnum:]]'
	fi
	assert_eq "prog id after refused replace" "$(prog_id_of "$NSB" vb ingress 0x1)" "$id1"
	assert_no_match "dump after refused replace" "$(filters "$NSB" vb ingress)" 'skip_hw'
	ping_fails "$NSA" "$ADDR_B"

	step "replace dropping skip_hw is refused with a message"
	flush
	add_da "$NSB" vb da_shot ingress prio 1 handle 1 -- skip_hw
	assert_match "dump" "$(filters "$NSB" vb ingress)" 'skip_hw'
	expect_fail "replace without skip_hw" replace_da da_ok
	if is_ours; then
		assert_match "extack on stderr" "$LAST_ERR" '^Error: .*[[:alnum:]]'
	fi
	ping_fails "$NSA" "$ADDR_B"
	replace_da da_ok skip_hw
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
