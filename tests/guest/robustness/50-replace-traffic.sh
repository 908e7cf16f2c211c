#!/usr/bin/env bash
# Atomic replace under traffic. UDP flows from A into vb while the filter
# prio 1 handle 1 on vb ingress is replaced 1000 x TEST_SCALE times,
# alternating two programs: half through "tc filter replace" (tc -batch), half through
# libbpf's bpf_tc_attach() with BPF_TC_F_REPLACE. Both programs and a
# witness filter at prio 2 that is never touched count into one map and
# return TC_ACT_UNSPEC, so every packet runs on to the witness: a packet
# neither program saw (escape) or both saw (double count) makes
# A + B differ from the witness, and the witness must equal what vb received.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

REPLACES=$((1000 * SCALE))
# Packets that must reach vb while the replaces run; far fewer than a
# flooding sender delivers, so the bound only proves that traffic overlapped.
MIN_OVERLAP=200
# A bpffs of its own: "ip netns exec" and "tc -n" remount /sys, so pins
# under /sys/fs/bpf are out of their sight.
PIN_DIR=/run/$NS_PREFIX-bpf
COUNT_A=0 COUNT_B=0 COUNT_ALL=0

# shellcheck disable=SC2317 # called by the EXIT trap
on_traffic_exit() {
	local rc=$?
	trap - EXIT
	flood_stop
	cleanup_netns
	unpin
	exit "$rc"
}

pin_programs() {
	mkdir -p "$PIN_DIR"
	mount -t bpf bpf "$PIN_DIR"
	tc_client "$NSB" pin "$(obj replace_count)" "$PIN_DIR"
}

unpin() {
	mountpoint -q "$PIN_DIR" 2>/dev/null || return 0
	umount "$PIN_DIR"
	rmdir "$PIN_DIR"
}

read_counts() {
	local -a v
	read -r -a v < <(tc_client "$NSB" counters "$PIN_DIR/counts" 3)
	[[ ${#v[@]} -eq 3 ]] || fail "counters: got '${v[*]}'"
	COUNT_A=${v[0]} COUNT_B=${v[1]} COUNT_ALL=${v[2]}
	log "count_a=$COUNT_A count_b=$COUNT_B witness=$COUNT_ALL"
}

# wait_witness_above N: the witness has counted more than N packets (10 s).
wait_witness_above() {
	local i
	for ((i = 0; i < 40; i++)); do
		read_counts
		[[ "$COUNT_ALL" -gt "$1" ]] && return 0
		sleep 0.25
	done
	fail "no traffic reached vb (witness stays at $COUNT_ALL)"
}

# tc_replaces N: replace prio 1 handle 1 N times with tc, count_b first
# (count_a is installed), so an even N ends on count_a. tc keeps the fd of
# every pinned program it opens until it exits, so one tc -batch gets at
# most TC_BATCH lines.
TC_BATCH=500
tc_replaces() {
	local i progs=(count_b count_a) batch=()
	for ((i = 0; i < $1; i++)); do
		batch+=("filter replace dev vb ingress prio 1 handle 1 bpf pinned $PIN_DIR/${progs[i & 1]} da")
		if [[ ${#batch[@]} -eq $TC_BATCH || $((i + 1)) -eq $1 ]]; then
			printf '%s\n' "${batch[@]}" | tc_batch "$NSB" || return 1
			batch=()
		fi
	done
}

filter_ids() { prog_ids "$NSB" vb ingress; }

main() {
	local half=$((REPLACES / 2)) progs0 rx0 rx1 out before
	robust_start
	trap on_traffic_exit EXIT
	progs0=$(prog_count)
	setup_pair 154
	tcn "$NSB" qdisc add dev vb clsact
	pin_programs
	tcn "$NSB" filter add dev vb ingress prio 2 handle 1 bpf pinned "$PIN_DIR/count_all" da
	tcn "$NSB" filter add dev vb ingress prio 1 handle 1 bpf pinned "$PIN_DIR/count_a" da
	rx0=$(link_stat "$NSB" vb rx_packets)

	step "UDP flood from A into vb"
	flood_start "$NSA" "$ADDR_B"
	wait_witness_above 0

	step "$half replaces through tc filter replace (tc -batch)"
	before=$COUNT_ALL
	tc_replaces "$half" || fail "tc -batch replaces failed"
	read_counts
	assert_ge "packets during the tc replaces" "$((COUNT_ALL - before))" "$MIN_OVERLAP"

	step "$half replaces through bpf_tc_attach(BPF_TC_F_REPLACE)"
	before=$COUNT_ALL
	out=$(tc_client "$NSB" replace-loop vb ingress "$PIN_DIR/count_b" "$PIN_DIR/count_a" \
		"$half" handle 1 prio 1) || fail "libbpf replaces: $out"
	assert_eq "libbpf replaces" "$out" "replaced=$half failed=0"
	read_counts
	assert_ge "packets during the libbpf replaces" "$((COUNT_ALL - before))" "$MIN_OVERLAP"

	step "stop the flood; every packet counted once"
	flood_stop
	# The backlog drains in softirq context right after the sender stops.
	sleep 1
	read_counts
	rx1=$(link_stat "$NSB" vb rx_packets)
	assert_ge "packets counted by count_a" "$COUNT_A" 1
	assert_ge "packets counted by count_b" "$COUNT_B" 1
	assert_eq "count_a + count_b (no escape, no double count)" \
		"$((COUNT_A + COUNT_B))" "$COUNT_ALL"
	assert_eq "witness = packets vb received" "$COUNT_ALL" "$((rx1 - rx0))"
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 2
	assert_eq "programs in the dump" "$(wc -w <<<"$(filter_ids)")" 2

	step "teardown frees every program"
	tcn "$NSB" qdisc del dev vb clsact
	unpin
	wait_prog_count "$progs0"
	pass
}

main "$@"
