#!/usr/bin/env bash
# Control plane: N filters (1k, 5k, 20k) in one prio of a clsact ingress
# hook, with kernel-chosen and with explicit handles, through a raw
# netlink client (bench-nl: the kernel's cost alone) and through tc -batch
# (what users run): add all, dump all, replace all, 1,000 gets by handle
# spread over the table, delete all. Every filter runs one pinned (raw:
# one loaded) program, so per-filter JIT does not hide the classifier.
# In-tree and ours alternate which goes first.
# Rows: cp MODULE CLIENT HANDLES N PHASE ROUND SECONDS OPS (guest clock; OPS
# is N but for get, whose count is fixed).
set -euo pipefail
TEST_NAME=20-control-plane
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DEV=bc0
SIZES=${BENCH_SIZES:-1000 5000 20000}
GETS=1000
ROUNDS=${BENCH_CP_ROUNDS:-1}
WHERE="dev $DEV ingress protocol all prio 1"

device_up() {
	ip link add "$DEV" type dummy || fail "add $DEV"
	tc qdisc add dev "$DEV" clsact || fail "clsact on $DEV"
}

device_down() { ip link del "$DEV" || fail "delete $DEV"; }

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f", b - a }'; }

# handles_now: the handles of the table, in dump order.
handles_now() {
	tc filter show dev "$DEV" ingress | sed -n 's/.* handle \(0x[0-9a-f]*\) .*/\1/p'
}

# tc_phase NAME FILE: one tc -batch, timed; prints the seconds.
tc_phase() {
	local t
	t=$(now)
	tc -batch "$2" >/dev/null || fail "tc -batch $1"
	elapsed "$t"
}

# run_tc MODULE HANDLES N ROUND
run_tc() {
	local module=$1 mode=$2 n=$3 round=$4 dir=$TEST_TMPDIR/tc h i t secs
	local handles=()
	mkdir -p "$dir"
	for ((i = 1; i <= n; i++)); do
		if [[ "$mode" == explicit ]]; then h="handle $i "; else h=''; fi
		echo "filter add $WHERE ${h}bpf da object-pinned $BENCH_PIN-ok"
	done >"$dir/add"
	secs=$(tc_phase add "$dir/add")
	bench_row cp "$module" tc "$mode" "$n" add "$round" "$secs" "$n"
	t=$(now)
	mapfile -t handles < <(handles_now)
	secs=$(elapsed "$t")
	assert_eq "filters dumped" "${#handles[@]}" "$n"
	bench_row cp "$module" tc "$mode" "$n" dump "$round" "$secs" "$n"
	for h in "${handles[@]}"; do
		echo "filter replace $WHERE handle $h bpf da object-pinned $BENCH_PIN-ok"
	done >"$dir/replace"
	for ((i = 0; i < GETS; i++)); do
		echo "filter get $WHERE handle ${handles[i * n / GETS]} bpf"
	done >"$dir/get"
	for h in "${handles[@]}"; do echo "filter del $WHERE handle $h bpf"; done >"$dir/delete"
	for t in replace get delete; do
		secs=$(tc_phase "$t" "$dir/$t")
		if [[ "$t" == get ]]; then i=$GETS; else i=$n; fi
		bench_row cp "$module" tc "$mode" "$n" "$t" "$round" "$secs" "$i"
	done
}

# run_raw MODULE HANDLES N ROUND
run_raw() {
	local module=$1 mode=$2 n=$3 round=$4 phase ops secs
	while read -r phase ops secs; do
		[[ "$phase" != failed ]] || fail "bench-nl phases $n $mode ($module)"
		bench_row cp "$module" raw "$mode" "$n" "$phase" "$round" "$secs" "$ops"
	done < <("$BENCH_NL" phases "$DEV" "$n" "$mode" "$GETS" || echo "failed - -")
}

main() {
	local round n mode client module
	bench_start
	bench_pin_programs
	# tc -batch keeps the fd of every object-pinned program it parsed.
	ulimit -n 65536
	log "sizes $SIZES, $ROUNDS round(s)"
	for ((round = 1; round <= ROUNDS; round++)); do
		for n in $SIZES; do
			for mode in kernel explicit; do
				for client in raw tc; do
					step "round $round: $n filters, $mode handles, $client"
					for module in $(bench_order "$round" intree ours); do
						bench_module "$module"
						device_up
						case "$client" in
						raw) run_raw "$module" "$mode" "$n" "$round" ;;
						tc) run_tc "$module" "$mode" "$n" "$round" ;;
						esac
						device_down
					done
				done
			done
		done
	done
	kernel_log_check "control-plane benchmark"
	pass
}

main
