#!/usr/bin/env bash
# Filters go away with their qdisc, their device and their namespace, and
# their programs are freed (gone from bpftool).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

IDS=()

# populate NS DEV: clsact with two eBPF and one cBPF filter, plus an HTB
# root with one eBPF classifier; IDS = the three eBPF program ids.
populate() {
	local ns=$1 dev=$2 id
	tcn "$ns" qdisc add dev "$dev" clsact
	add_da "$ns" "$dev" da_ok ingress prio 1
	add_da "$ns" "$dev" da_ok egress prio 1
	tcn "$ns" filter add dev "$dev" ingress prio 2 bpf bytecode '1,6 0 0 0'
	tcn "$ns" qdisc add dev "$dev" root handle 1: htb default 1
	tcn "$ns" filter add dev "$dev" parent 1: prio 1 bpf \
		obj "$(obj cls_default)" sec classifier classid 1:1
	read -r -a IDS <<<"$(prog_ids "$ns" "$dev" ingress) $(prog_ids "$ns" "$dev" egress) \
		$(prog_ids "$ns" "$dev" parent 1:)"
	assert_eq "eBPF programs in the dumps" "${#IDS[@]}" 3
	for id in "${IDS[@]}"; do
		prog_exists "$id" || fail "program $id not in bpftool"
	done
	log "programs: ${IDS[*]}"
}

all_gone() {
	local id
	for id in "${IDS[@]}"; do wait_prog_gone "$id"; done
}

main() {
	lib_start
	setup_pair 190

	step "with the qdiscs"
	populate "$NSB" vb
	ping_ok "$NSA" "$ADDR_B"
	tcn "$NSB" qdisc del dev vb clsact
	tcn "$NSB" qdisc del dev vb root
	assert_eq "ingress filters" "$(filter_count "$NSB" vb ingress 2>/dev/null)" 0
	all_gone

	step "with the device"
	populate "$NSB" vb
	ip -n "$NSB" link del vb
	all_gone

	step "with the namespace"
	veth_add "$NSA" va2 10.191.0.1 "$NSB" vb2 10.191.0.2
	populate "$NSB" vb2
	ping_ok "$NSA" 10.191.0.2
	ip netns del "$NSB"
	all_gone
	pass
}

main "$@"
