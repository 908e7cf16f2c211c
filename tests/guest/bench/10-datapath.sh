#!/usr/bin/env bash
# Data path: pktgen (xmit_mode netif_receive) pushes the same 60-byte packet
# into the ingress of a dummy device, BENCH_PACKETS per measurement, under
# each configuration: no qdisc; clsact without filters; one direct-action
# filter returning TC_ACT_OK, in-tree and ours; 8 and 64 filters in one prio
# where only the last one in the walk matches (the others return
# TC_ACT_UNSPEC), in-tree and ours; tcx with the same program where the
# kernel has it. Every filter runs one pinned program, so only the
# classifier differs. Rounds alternate which module goes first.
# Rows: dp CONFIG ROUND PPS (guest clock), and "dp tcx - absent" when the
# kernel has no tcx.
set -euo pipefail
TEST_NAME=10-datapath
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DEV=bd0
PG=/proc/net/pktgen
PACKETS=$((${BENCH_PACKETS:-500000} * SCALE))
HAS_TCX=unknown

# pg FILE COMMAND: one pktgen command; pktgen answers in FILE's Result line.
pg() {
	echo "$2" >"$PG/$1" || fail "pktgen $1: '$2' refused"
}

pktgen_setup() {
	modprobe pktgen || fail "modprobe pktgen"
	ip link add "$DEV" type dummy || fail "add $DEV"
	ip link set "$DEV" up || fail "$DEV up"
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device $DEV"
	pg "$DEV" "count $PACKETS"
	pg "$DEV" "pkt_size 60"
	pg "$DEV" "xmit_mode netif_receive"
	pg "$DEV" "burst 32"
	pg "$DEV" "delay 0"
	# Not the device's address: the stack drops it right after tc.
	pg "$DEV" "dst_mac 02:00:00:00:be:01"
	pg "$DEV" "dst 198.18.0.1"
}

# measure: one pktgen run; prints its packets per second.
measure() {
	local pps
	pg pgctrl start
	pps=$(grep -o '[0-9]*pps' "$PG/$DEV" | head -n 1)
	[[ -n "$pps" ]] || fail "no pktgen result: $(cat "$PG/$DEV")"
	# ("errors" counts what the stack dropped after tc: all of it, by design.)
	grep -Eq "Result: OK: .* usec, [0-9]+ " "$PG/$DEV" || fail "pktgen: $(grep -A1 Result "$PG/$DEV")"
	echo "${pps%pps}"
}

no_qdisc() { tc qdisc del dev "$DEV" clsact 2>/dev/null || true; }

clsact() {
	no_qdisc
	tc qdisc add dev "$DEV" clsact || fail "clsact on $DEV"
}

# filters MODULE N: N filters in prio 1, the matching one last in the walk.
# cls_bpf puts a new filter first, so the matching one (handle 1) is added
# first; the dump shows the walk's order, which is checked.
filters() {
	local module=$1 n=$2 h last
	no_qdisc # (its filters hold the loaded module)
	bench_module "$module"
	clsact
	{
		echo "filter add dev $DEV ingress protocol all prio 1 handle 1 bpf da object-pinned $BENCH_PIN-ok"
		for ((h = 2; h <= n; h++)); do
			echo "filter add dev $DEV ingress protocol all prio 1 handle $h bpf da object-pinned $BENCH_PIN-unspec"
		done
	} | tc -batch - || fail "$n filters ($module)"
	last=$(tc filter show dev "$DEV" ingress | grep -o 'handle 0x[0-9a-f]*' | tail -n 1)
	assert_eq "last filter in the walk ($module, $n filters)" "$last" "handle 0x1"
}

tcx_on() {
	no_qdisc
	local rc=0
	"$BENCH_NL" tcx-attach "$DEV" "$BENCH_PIN-ok" "$BENCH_PIN-tcx" || rc=$?
	case "$rc" in
	0) HAS_TCX=yes ;;
	3) HAS_TCX=no ;;
	*) fail "tcx attach" ;;
	esac
}

tcx_off() { rm -f "$BENCH_PIN-tcx"; }

# run_config ROUND CONFIG: set it up, measure, record.
run_config() {
	local round=$1 config=$2 pps
	case "$config" in
	none) no_qdisc ;;
	clsact) clsact ;;
	intree-* | ours-*) filters "${config%-*}" "${config#*-}" ;;
	tcx)
		[[ "$HAS_TCX" != no ]] || return 0
		tcx_on
		if [[ "$HAS_TCX" == no ]]; then
			bench_row dp tcx - absent
			return 0
		fi
		;;
	esac
	pps=$(measure)
	[[ "$config" != tcx ]] || tcx_off
	bench_row dp "$config" "$round" "$pps"
}

main() {
	local round config n
	bench_start
	bench_pin_programs
	pktgen_setup
	log "$PACKETS packets per measurement, burst 32"
	for ((round = 1; round <= BENCH_ROUNDS; round++)); do
		step "round $round"
		for config in none clsact; do run_config "$round" "$config"; done
		for n in 1 8 64; do
			for config in $(bench_order "$round" "intree-$n" "ours-$n"); do
				run_config "$round" "$config"
			done
		done
		run_config "$round" tcx
		no_qdisc
	done
	pg kpktgend_0 rem_device_all
	kernel_log_check "data path benchmark"
	pass
}

main
