#!/usr/bin/env bash
# Classic BPF bytecode in classifier mode under a prio qdisc: return 0 = no
# match (next filter / priomap), -1 = the filter's classid, anything else =
# that classid. Checked with the class counters after real pings.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RET0='1,6 0 0 0'
RET_DEFAULT='1,6 0 0 4294967295'
RET_1_1='1,6 0 0 65537'
# ldh [12]; jeq #0x800 ? : ret 0; ldb [23]; jeq #1 (ICMP) ? ret -1 : ret 0
ICMP_ONLY='6,40 0 0 12,21 0 3 2048,48 0 0 23,21 0 1 1,6 0 0 4294967295,6 0 0 0'

snapshot() { class_snapshot "$NSA" va; }

# expect_classes N1 N2 N3: packets added to 1:1, 1:2, 1:3 since snapshot.
expect_classes() { class_expect "$NSA" va "1:1=$1" "1:2=$2" "1:3=$3"; }

cbpf() {
	local prio=$1 code=$2 classid=$3
	tcn "$NSA" filter add dev va parent 1: protocol ip prio "$prio" bpf \
		bytecode "$code" classid "$classid"
}

main() {
	lib_start
	setup_pair 110
	tcn "$NSA" qdisc add dev va root handle 1: prio

	step "no filter: priomap sends pings to band 1:2"
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 "$PING_COUNT" 0

	step "ret 0 (prio 1, classid 1:1) falls through to ret -1 (prio 2, classid 1:3)"
	cbpf 1 "$RET0" 1:1
	cbpf 2 "$RET_DEFAULT" 1:3
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes 0 0 "$PING_COUNT"

	step "ret 0x10001 overrides the filter's classid 1:3"
	tcn "$NSA" filter del dev va parent 1:
	cbpf 1 "$RET0" 1:3
	cbpf 2 "$RET_1_1" 1:3
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	expect_classes "$PING_COUNT" 0 0

	step "real bytecode: ICMP -> 1:3, UDP -> no match -> priomap 1:2"
	tcn "$NSA" filter del dev va parent 1:
	cbpf 1 "$ICMP_ONLY" 1:3
	snapshot
	ping_ok "$NSA" "$ADDR_B"
	send_udp "$NSA" "$ADDR_B" 3
	expect_classes 0 3 "$PING_COUNT"
	pass
}

main "$@"
