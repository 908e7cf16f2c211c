#!/usr/bin/env bash
# Malformed RTM_NEWTFILTER requests (hand-built netlink from tc_client raw)
# are refused with EINVAL and, with our module, an extack message; nothing
# is installed and nothing leaks.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

OUT=''

raw() {
	OUT=$(tc_client "$NSB" raw vb "$@") || fail "tc_client raw $* failed: $OUT"
	echo "$OUT"
}

# rejected CASE [ARGS...]: EINVAL, plus a message with our module.
rejected() {
	local msg
	raw "$@"
	assert_match "raw $1 errno" "$OUT" '^errno=22 '
	msg=${OUT#*msg=}
	if is_ours; then
		[[ -n "$msg" ]] || fail "raw $1: EINVAL without an extack message"
		log "ok: raw $1 message: $msg"
	else
		log "baseline: raw $1 message: '${msg}'"
	fi
}

main() {
	lib_start
	setup_pair 180
	tcn "$NSB" qdisc add dev vb clsact
	local before
	before=$(prog_count)

	step "well-formed requests are accepted (eBPF handle 1, cBPF handle 1 prio 2)"
	raw ok handle 1 prio 1
	assert_match "raw ok" "$OUT" '^errno=0 '
	raw cbpf-ok handle 1 prio 2
	assert_match "raw cbpf-ok" "$OUT" '^errno=0 '
	local dump
	dump=$(filters "$NSB" vb ingress)
	echo "$dump"
	assert_match "raw eBPF filter" "$dump" 'handle 0x1 raw_ok direct-action'
	assert_match "raw cBPF filter" "$dump" "bytecode '1,6 0 0 4294967295'"
	ping_ok "$NSA" "$ADDR_B"

	step "malformed requests"
	rejected none prio 3
	rejected both-fd-ops prio 3
	rejected bad-flags prio 3
	rejected bad-gen-flags prio 3
	rejected unknown-gen-flags prio 3
	rejected ops-len-mismatch prio 3
	rejected ops-len-zero prio 3

	step "replace of handle 1 with changed skip flags"
	rejected skip-hw handle 1 prio 1 replace
	assert_no_match "dump" "$(filters "$NSB" vb ingress)" 'skip_hw'

	step "nothing was installed and nothing leaked"
	assert_eq "filters" "$(filter_count "$NSB" vb ingress)" 2
	assert_no_match "dump" "$(filters "$NSB" vb ingress)" 'pref 3 '
	tcn "$NSB" filter del dev vb ingress
	wait_prog_count "$before"
	pass
}

main "$@"
