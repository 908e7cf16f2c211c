#!/usr/bin/env bash
# Dumps: "tc filter show" and "tc -j filter show" carry the program id, tag,
# name, jited, direct-action, not_in_hw/skip_hw and the classid; the id and
# tag match bpftool; classic BPF dumps back the same bytecode.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PROG_ID='' PROG_TAG=''
CBPF='4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0'

check_plain() {
	local dump=$1 line id tag
	line=$(grep -E ' handle 0x1 ' <<<"$dump") || fail "no handle 0x1 in: $dump"
	assert_match "name" "$line" 'da_ok\.o:\[classifier\] '
	assert_match "classid" "$line" 'flowid 1:5'
	assert_match "direct-action" "$line" ' direct-action'
	assert_match "not_in_hw" "$line" ' not_in_hw'
	assert_match "tag" "$line" ' tag [0-9a-f]{16}'
	if jit_enabled; then assert_match "jited" "$line" ' jited'; fi
	id=$(grep -oE '(^| )id [0-9]+' <<<"$line" | awk '{ print $2 }')
	tag=$(grep -oE ' tag [0-9a-f]{16}' <<<"$line" | awk '{ print $2 }')
	[[ -n "$id" ]] || fail "no prog id in: $line"
	PROG_ID=$id PROG_TAG=$tag
	local info
	info=$(bpftool prog show id "$id")
	log "bpftool: $info"
	assert_match "bpftool type/name" "$info" "^$id: sched_cls +name da_ok +tag $tag"
	# iproute2 prints the program name only in some versions.
	if grep -q ' name ' <<<"$line"; then
		assert_match "prog name in tc dump" "$line" ' name da_ok '
	fi
	line=$(grep -E ' handle 0x2 ' <<<"$dump") || fail "no handle 0x2 in: $dump"
	assert_match "skip_hw" "$line" ' skip_hw'
	assert_match "not_in_hw" "$line" ' not_in_hw'
}

check_json() {
	local json
	json=$(ip netns exec "$NSB" tc -j filter show dev vb ingress 2>&1) || true
	if [[ "$json" != \[* ]]; then
		log "tc -j filter show not supported by $(tc -V | tail -n 1): $json"
		return 0
	fi
	log "json: $json"
	assert_match "json kind" "$json" '"kind":"bpf"'
	assert_match "json name" "$json" '"bpf_name":"da_ok\.o:\[classifier\]"'
	assert_match "json direct-action" "$json" '"direct-action":true'
	assert_match "json not_in_hw" "$json" '"not_in_hw":true'
	assert_match "json skip_hw" "$json" '"skip_hw":true'
	assert_match "json prog id" "$json" "\"id\":${PROG_ID}[,}]"
	assert_match "json tag" "$json" "\"tag\":\"$PROG_TAG\""
	assert_match "json classid" "$json" '"flowid":"1:5"'
	assert_match "json cbpf" "$json" '"bytecode":'
}

main() {
	lib_start
	setup_pair 160
	tcn "$NSB" qdisc add dev vb clsact
	add_da "$NSB" vb da_ok ingress prio 1 handle 1 -- classid 1:5
	add_da "$NSB" vb da_ok ingress prio 1 handle 2 -- skip_hw
	tcn "$NSB" filter add dev vb ingress protocol ip prio 2 handle 1 bpf \
		bytecode "$CBPF" classid 1:7

	step "plain dump"
	local dump
	dump=$(filters "$NSB" vb ingress)
	echo "$dump"
	check_plain "$(grep 'pref 1 ' <<<"$dump")"

	step "classic BPF dumps back its bytecode"
	local cline
	cline=$(grep -E 'pref 2 .* handle 0x1 ' <<<"$dump") || fail "no cBPF filter in dump"
	assert_match "cBPF bytecode" "$cline" "bytecode '$CBPF'"
	assert_match "cBPF classid" "$cline" 'flowid 1:7'
	assert_no_match "cBPF has no prog id" "$cline" '(^| )id [0-9]+'

	step "single filter get"
	local got
	got=$(ip netns exec "$NSB" tc filter get dev vb ingress protocol ip prio 2 handle 1 bpf)
	echo "$got"
	assert_match "get cBPF" "$got" "bytecode '$CBPF'"
	got=$(ip netns exec "$NSB" tc filter get dev vb ingress protocol all prio 1 handle 1 bpf)
	echo "$got"
	assert_match "get eBPF" "$got" "(^| )id $PROG_ID "

	step "JSON dump"
	check_json

	step "the dumped filters really work"
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
