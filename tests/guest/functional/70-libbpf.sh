#!/usr/bin/env bash
# libbpf's bpf_tc_* API (static tc_client, programs loaded by libbpf):
# hook create, attach (plain, EEXIST, BPF_TC_F_REPLACE), query, detach,
# automatic handle/priority, and the id/handle/priority round trip with
# the kernel dump and bpftool.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

OUT=''

# client ARGS...: run tc_client in B, keep stdout in OUT, must succeed.
client() {
	OUT=$(tc_client "$NSB" "$@") || fail "tc_client $* failed: $OUT"
	echo "$OUT"
}

# client_fails RC ARGS...: tc_client must report rc=RC (-errno).
client_fails() {
	local want=$1
	shift
	OUT=$(tc_client "$NSB" "$@") && fail "tc_client $* succeeded: $OUT"
	echo "$OUT"
	assert_match "tc_client $1 result" "$OUT" "^rc=$want "
}

field() { grep -oE "(^| )$1=[0-9]+" <<<"$OUT" | cut -d= -f2; }

attach() {
	local prog=$1
	shift
	client attach vb ingress "$(obj "$prog")" "$prog" "$@"
}

main() {
	lib_start
	setup_pair 170
	local before p1 p2 line
	before=$(prog_count)

	step "bpf_tc_hook_create, twice"
	client hook-create vb ingress
	assert_match "clsact created" "$(ip netns exec "$NSB" tc qdisc show dev vb)" 'qdisc clsact'
	client_fails -17 hook-create vb ingress

	step "bpf_tc_attach handle 1 prio 1 (SHOT)"
	attach da_shot handle 1 prio 1
	p1=$(field prog_id)
	assert_eq "handle" "$(field handle)" 1
	assert_eq "priority" "$(field priority)" 1
	assert_match "bpftool" "$(bpftool prog show id "$p1")" "^$p1: sched_cls +name da_shot "
	line=$(filters "$NSB" vb ingress | grep ' handle 0x1 ')
	assert_match "tc dump" "$line" "da_shot:\\[$p1\\] direct-action"
	assert_match "tc dump id" "$line" "(^| )id $p1 "
	assert_match "tc dump pref" "$(filters "$NSB" vb ingress)" 'pref 1 bpf'
	ping_fails "$NSA" "$ADDR_B"

	step "bpf_tc_attach on the same handle/prio without REPLACE"
	client_fails -17 attach vb ingress "$(obj da_ok)" da_ok handle 1 prio 1
	assert_eq "prog id unchanged" "$(prog_id_of "$NSB" vb ingress 0x1)" "$p1"

	step "bpf_tc_attach with BPF_TC_F_REPLACE (OK)"
	attach da_ok handle 1 prio 1 replace
	p2=$(field prog_id)
	assert_ne "new prog id" "$p2" "$p1"
	assert_eq "handle" "$(field handle)" 1
	assert_eq "priority" "$(field priority)" 1
	assert_eq "filters" "$(filter_count "$NSB" vb ingress)" 1
	assert_eq "prog id in dump" "$(prog_id_of "$NSB" vb ingress 0x1)" "$p2"
	ping_ok "$NSA" "$ADDR_B"
	wait_prog_gone "$p1"

	step "bpf_tc_query"
	client query vb ingress 1 1
	assert_eq "queried prog id" "$(field prog_id)" "$p2"
	assert_eq "queried handle" "$(field handle)" 1
	assert_eq "queried priority" "$(field priority)" 1

	step "automatic handle in prio 2"
	attach da_ok prio 2
	assert_eq "auto handle" "$(field handle)" 1
	assert_eq "priority" "$(field priority)" 2
	attach da_ok prio 2
	assert_eq "second auto handle" "$(field handle)" 2

	step "automatic handle and priority on egress"
	client attach vb egress "$(obj da_ok)" da_ok
	assert_eq "auto handle" "$(field handle)" 1
	assert_eq "auto priority" "$(field priority)" 49152
	client query vb egress 1 49152
	client detach vb egress 1 49152

	step "bpf_tc_detach, then query fails"
	client detach vb ingress 1 1
	OUT=$(tc_client "$NSB" query vb ingress 1 1) && fail "query after detach succeeded: $OUT"
	echo "$OUT"
	assert_match "query after detach" "$OUT" '^rc=-[0-9]+ '
	assert_no_match "dump after detach" "$(filters "$NSB" vb ingress)" 'pref 1 '

	step "bpf_tc_hook_destroy removes clsact and every filter"
	client hook-destroy vb both
	assert_no_match "qdiscs" "$(ip netns exec "$NSB" tc qdisc show dev vb)" 'clsact'
	ping_ok "$NSA" "$ADDR_B"
	wait_prog_count "$before"
	pass
}

main "$@"
