#!/usr/bin/env bash
# The netlink fuzzer (tests/guest/src/fuzz/fuzz.c) against clsact ingress and egress
# of a veth and a shared block on two dummies, while UDP floods the veth:
# first the corpus of cases that once found bugs, then one run whose model
# of its filters must match every dump, then four runs at once on the same
# devices, prios and chains (each checking its own handles) after the
# action modules were unloaded, so that their first requests make the core
# drop rtnl to autoload them; then one run on an offload-capable netdevsim
# port with programs bound to it and to another device. Afterwards: no kernel splat, every program
# freed, cls_bpf unloads. Rejections without an extack message are counted;
# for our module every one of a request that carried classifier options is
# a failure. The in-tree module replays a request that names one action
# index twice forever, so its runs never name one twice (--distinct-index);
# ours answers EBUSY after 10 s of replays (57-action-index-twice.sh).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

WRITERS=4
TARGETS=(--target vb:ingress --target vb:egress --target block:10 --mirred-dev vb)

setup() {
	setup_pair 160
	tcn "$NSB" qdisc add dev vb clsact
	ip -n "$NSB" link add d1 type dummy
	ip -n "$NSB" link add d2 type dummy
	ip -n "$NSB" link set d1 up
	ip -n "$NSB" link set d2 up
	tcn "$NSB" qdisc add dev d1 ingress_block 10 clsact
	tcn "$NSB" qdisc add dev d2 ingress_block 10 clsact
}

# flush_chains WHERE...: delete the filters of every chain of a hook
# ("dev vb ingress") or a block ("block 10"); the fuzzer's chains go up to
# 0x7fffffff.
flush_chains() {
	local chain
	for chain in $(tc -n "$NSB" chain show "$@" | sed -n 's/.* chain \([0-9][0-9]*\) *$/\1/p'); do
		tc -n "$NSB" filter del "$@" chain "$chain" ||
			fail "tc filter del $* chain $chain"
	done
}

flush_filters() {
	local left
	flush_chains dev vb ingress
	flush_chains dev vb egress
	flush_chains block 10
	left=$(filter_count "$NSB" vb ingress)$(filter_count "$NSB" vb egress)
	left+=$(filter_count "$NSB" d1 ingress)
	if [[ "$left" != 000 ]]; then
		filters "$NSB" vb ingress | cut -c 1-200
		filters "$NSB" vb egress | cut -c 1-200
		filters "$NSB" d1 ingress | cut -c 1-200
	fi
	assert_eq "filters left (vb ingress, vb egress, block 10)" "$left" 000
}

# Every rejection has a message: required of our module; the in-tree
# module's silent rejections are only counted.
EXTACK=()
# The in-tree module's runs never name an action index twice in a request.
INDEX=()

replay_corpus() {
	local f
	for f in "$FUZZ_CORPUS"/*.hex; do
		[[ -e "$f" ]] || continue
		step "replay $(basename "$f")"
		fuzz "$NSB" --replay "$f" "${TARGETS[@]}" "${EXTACK[@]}" || fail "replay of $f"
	done
}

single_run() {
	local seed=$1 count=$((4000 * SCALE)) out
	step "one fuzzer, seed $seed, $count requests, model checked every 250"
	out=$(fuzz "$NSB" --seed "$seed" --count "$count" "${TARGETS[@]}" "${EXTACK[@]}" \
		"${INDEX[@]}" --log "$TEST_OUTDIR/fuzz-$seed.log" 2>&1) || {
		echo "$out"
		tail -n 3 "$TEST_OUTDIR/fuzz-$seed.log" | cut -c 1-300
		fail "fuzzer seed $seed (replay: fuzz --replay on the log's last lines)"
	}
	echo "$out"
}

concurrent_runs() {
	local base=$1 count=$((1500 * SCALE)) w pids=() rc=0
	step "$WRITERS fuzzers at once, seeds $((base + 1))..$((base + WRITERS)), $count requests each"
	act_modules_unload
	for ((w = 1; w <= WRITERS; w++)); do
		fuzz "$NSB" --seed "$((base + w))" --count "$count" --owner "$w" "${TARGETS[@]}" \
			"${EXTACK[@]}" "${INDEX[@]}" --log "$TEST_OUTDIR/fuzz-w$w.log" >"$TEST_OUTDIR/fuzz-w$w.out" 2>&1 &
		pids+=($!)
		FUZZ_PIDS+=($!)
	done
	for ((w = 1; w <= WRITERS; w++)); do
		wait "${pids[w - 1]}" || rc=$?
		cat "$TEST_OUTDIR/fuzz-w$w.out"
		[[ $rc -eq 0 ]] || {
			tail -n 3 "$TEST_OUTDIR/fuzz-w$w.log" | cut -c 1-300
			fail "fuzzer $w (seed $((base + w))) exited with $rc"
		}
	done
}

# One model-checked run on an offload-capable netdevsim port, with programs
# bound to it and to another netdevsim device in the pool.
offload_run() {
	local seed=$1 count=$((2000 * SCALE)) port other
	if ! nsim_available; then
		log "no netdevsim on this kernel: the offload run is not done"
		return 0
	fi
	port=$(nsim_add 1601)
	other=$(nsim_add 1602)
	step "one fuzzer on netdevsim port $port, seed $seed, $count requests"
	"$FUZZ" --seed "$seed" --count "$count" --target "$port:ingress" --target "$port:egress" \
		--offload-dev "$port" --bound-dev "$other" "${EXTACK[@]}" \
		"${INDEX[@]}" --log "$TEST_OUTDIR/fuzz-offload.log" || {
		tail -n 3 "$TEST_OUTDIR/fuzz-offload.log" | cut -c 1-300
		fail "fuzzer seed $seed on netdevsim"
	}
	tc qdisc del dev "$port" clsact
	nsim_remove 1601
	nsim_remove 1602
}

main() {
	local progs0
	robust_start
	if is_ours; then EXTACK=(--require-extack); else INDEX=(--distinct-index); fi
	progs0=$(prog_count)
	setup
	flood_start "$NSA" "$ADDR_B"
	kernel_log_mark
	replay_corpus
	flush_filters
	act_modules_unload
	single_run "$SEED"
	flush_filters
	concurrent_runs "$SEED"
	flush_filters
	offload_run "$((SEED + 10))"
	flood_stop
	kernel_log_check "fuzzing"

	step "everything freed; cls_bpf unloads"
	tcn "$NSB" qdisc del dev vb clsact
	ip -n "$NSB" link del d1
	ip -n "$NSB" link del d2
	wait_prog_count "$progs0"
	act_modules_unload
	unload_cls_bpf
	rm -f "$TEST_OUTDIR"/fuzz-*
	pass
}

main "$@"
