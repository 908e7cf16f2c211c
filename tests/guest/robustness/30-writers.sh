#!/usr/bin/env bash
# Concurrent writers: four processes add, replace, delete and get filters
# (well-formed requests only) on the same prios and chains of two devices
# and a shared block, each on handles of its own, while a dumper walks all
# three in a loop and UDP floods the first device. Each writer checks that
# the filters it believes it left are exactly the ones there (and every GET
# of its handles in between); then everything is deleted and every program
# freed. The action modules are unloaded first, so gact's autoload drops
# rtnl in the middle of the others' requests.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

WRITERS=4
TARGETS=(--target vb:ingress --target vc:ingress --target block:10)
DUMPER_PID=''

setup() {
	setup_pair 162
	ip -n "$NSB" link add vc type veth peer name vd
	ip -n "$NSB" link add d1 type dummy
	ip -n "$NSB" -batch - <<-EOB
		link set vc up
		link set vd up
		link set d1 up
	EOB
	tcn "$NSB" qdisc add dev vb clsact
	tcn "$NSB" qdisc add dev vc clsact
	tcn "$NSB" qdisc add dev d1 ingress_block 10 clsact
}

dumper_start() {
	nsx "$NSB" bash -c 'while :; do
		tc -s filter show dev vb ingress; tc -s filter show dev vc ingress
		tc -s filter show block 10
	done >/dev/null 2>&1' &
	DUMPER_PID=$!
}

dumper_stop() {
	[[ -n "$DUMPER_PID" ]] || return 0
	kill "$DUMPER_PID" 2>/dev/null || true
	wait "$DUMPER_PID" 2>/dev/null || true
	DUMPER_PID=''
}

# shellcheck disable=SC2317 # called by the EXIT trap
on_writers_exit() {
	local rc=$?
	dumper_stop
	robust_exit "$rc"
}

writers() {
	local count=$((1000 * SCALE)) w pids=() rc extack=()
	is_ours && extack=(--require-extack)
	step "$WRITERS writers x $count operations, a dumper, a UDP flood"
	for ((w = 1; w <= WRITERS; w++)); do
		fuzz "$NSB" --valid --owner "$w" --seed "$((SEED + 100 + w))" --count "$count" \
			--check-every 0 "${TARGETS[@]}" "${extack[@]}" \
			--log "$TEST_OUTDIR/writer-$w.log" >"$TEST_OUTDIR/writer-$w.out" 2>&1 &
		pids+=($!)
		FUZZ_PIDS+=($!)
	done
	for ((w = 1; w <= WRITERS; w++)); do
		rc=0
		wait "${pids[w - 1]}" || rc=$?
		cat "$TEST_OUTDIR/writer-$w.out"
		[[ $rc -eq 0 ]] || fail "writer $w exited with $rc (its log: $TEST_OUTDIR/writer-$w.log)"
	done
}

main() {
	local progs0
	robust_start
	trap on_writers_exit EXIT
	progs0=$(prog_count)
	setup
	flood_start "$NSA" "$ADDR_B"
	dumper_start
	kernel_log_mark
	act_modules_unload
	writers
	dumper_stop
	flood_stop
	kernel_log_check "concurrent writers"

	step "delete everything; every program freed"
	tcn "$NSB" qdisc del dev vb clsact
	tcn "$NSB" qdisc del dev vc clsact
	tcn "$NSB" qdisc del dev d1 clsact
	wait_prog_count "$progs0"
	rm -f "$TEST_OUTDIR"/writer-*
	pass
}

main "$@"
