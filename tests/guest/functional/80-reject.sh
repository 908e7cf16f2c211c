#!/usr/bin/env bash
# Malformed RTM_NEWTFILTER requests (hand-built netlink from tc_client raw)
# are refused with EINVAL and, with our module, an extack message; fds that
# are no SCHED_CLS program and skip_sw on a device without tc offload are
# refused with a message naming the cause; nothing is installed and nothing
# leaks.
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

# refused CASE ERRNO MESSAGE [ARGS...]: errno ERRNO and, with our module,
# exactly MESSAGE; the in-tree module's answer is logged.
refused() {
	local case=$1 errno=$2 want=$3 msg
	shift 3
	raw "$case" "$@"
	assert_match "raw $case errno" "$OUT" "^errno=$errno "
	msg=${OUT#*msg=}
	if is_ours; then
		assert_eq "raw $case message" "$msg" "$want"
	else
		log "baseline: raw $case message: '${msg}'"
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

	step "fds that are no SCHED_CLS program, skip_sw without an offloading device"
	refused fd-closed 9 "BPF fd is not an open file descriptor" prio 3
	refused fd-file 22 "BPF fd does not refer to a BPF program" prio 3
	refused fd-map 22 "BPF fd refers to a map, not a program" prio 3
	refused fd-xdp 22 "BPF program is not of type SCHED_CLS" prio 3
	refused skip-sw 95 "skip_sw filter needs every device of the block to offload tc filters, and one does not" prio 3

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
