#!/usr/bin/env bash
# Teardown while traffic flows and filters exist: each round builds eBPF and
# classic filters with gact and mirred actions on both hooks of a veth and
# on a shared block of two dummies, floods the veth with UDP, checks that
# cls_bpf refuses to unload, and then tears it all down one way: the
# qdiscs, the devices, the namespace, or (where netdevsim is installed) a
# netdevsim device with a software and an offloaded filter. After every
# round: every program freed, no kernel splat. At the end cls_bpf unloads.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

NSIM_ID=1162

# filter_lines DEV: tc -batch input for 8 filters on DEV's two hooks.
filter_lines() {
	local dev=$1 da cls
	da="bpf obj $(obj da_unspec) sec classifier da"
	cls="bpf bytecode '1,6 0 0 4294967295'"
	# Direct-action programs fall through (UNSPEC); classic ones run
	# their actions: ingress packets end in prio 3's mirred.
	cat <<-EOB
		filter add dev $dev ingress prio 1 handle 1 $da
		filter add dev $dev ingress prio 1 handle 2 $da
		filter add dev $dev ingress prio 2 handle 1 bpf bytecode '1,6 0 0 0' action gact ok
		filter add dev $dev ingress prio 3 handle 1 $cls action mirred egress mirror dev d3
		filter add dev $dev ingress prio 4 handle 1 $cls classid 1:1 action gact ok
		filter add dev $dev egress prio 1 handle 1 $da
		filter add dev $dev egress prio 2 handle 1 $cls action gact goto chain 1
		filter add dev $dev egress chain 1 prio 1 handle 1 $da
	EOB
}

build() {
	setup_pair 163
	ip -n "$NSB" -batch - <<-EOB
		link add d1 type dummy
		link add d2 type dummy
		link add d3 type dummy
		link set d1 up
		link set d2 up
		link set d3 up
	EOB
	{
		echo "qdisc add dev vb clsact"
		echo "qdisc add dev d1 ingress_block 10 egress_block 11 clsact"
		echo "qdisc add dev d2 ingress_block 10 egress_block 11 clsact"
		filter_lines vb
		echo "filter add block 10 prio 1 handle 1 bpf obj $(obj da_ok) sec classifier da"
		echo "filter add block 11 prio 1 handle 1 bpf bytecode '1,6 0 0 0' action gact ok"
	} | tc_batch "$NSB" || fail "building the filters"
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 5
	flood_start "$NSA" "$ADDR_B"
	wait_witness_flow
	expect_fail "rmmod cls_bpf while filters exist" rmmod cls_bpf
}

# action_pkts NS DEV HOOK: packets counted by all actions of a hook.
action_pkts() {
	local n=0
	local -a f
	while read -r -a f; do
		[[ "${f[0]:-}" == Sent ]] && n=$((n + f[3]))
	done < <(tc -n "$1" -s filter show dev "$2" "$3")
	echo "$n"
}

# Traffic runs through vb's filters: prio 3's mirred counts it.
wait_witness_flow() {
	local i
	for ((i = 0; i < 40; i++)); do
		[[ "$(action_pkts "$NSB" vb ingress)" -gt 0 ]] && return 0
		sleep 0.25
	done
	fail "no traffic through vb's filters"
}

round() {
	local how=$1 progs0=$2
	step "teardown by $how, with traffic"
	kernel_log_mark
	build
	case "$how" in
	qdisc)
		tcn "$NSB" qdisc del dev vb clsact
		tcn "$NSB" qdisc del dev d1 clsact
		tcn "$NSB" qdisc del dev d2 clsact
		;;
	device)
		ip -n "$NSB" link del vb
		ip -n "$NSB" link del d1
		ip -n "$NSB" link del d2
		;;
	netns) ip netns del "$NSB" ;;
	esac
	flood_stop
	cleanup_netns
	wait_prog_count "$progs0"
	kernel_log_check "teardown by $how"
}

# A netdevsim device with a software and an offloaded filter goes away.
nsim_round() {
	local progs0=$1 dev
	if ! nsim_available; then
		log "no netdevsim on this kernel: the netdevsim round is not run"
		return 0
	fi
	step "teardown by deleting a netdevsim device with filters"
	kernel_log_mark
	dev=$(nsim_add "$NSIM_ID")
	tc filter add dev "$dev" ingress prio 1 handle 1 bpf obj "$(obj da_ok)" sec classifier da ||
		fail "software filter on $dev"
	tc filter add dev "$dev" ingress prio 2 handle 1 bpf obj "$ARTIFACTS/offload/ret0.bpf.o" \
		sec classifier da skip_sw || fail "offloaded filter on $dev"
	assert_match "offloaded" "$(tc filter show dev "$dev" ingress)" 'in_hw'
	expect_fail "rmmod cls_bpf while filters exist" rmmod cls_bpf
	nsim_remove "$NSIM_ID"
	wait_prog_count "$progs0"
	kernel_log_check "netdevsim device deleted"
}

main() {
	local progs0 how r
	robust_start
	progs0=$(prog_count)
	for ((r = 0; r < SCALE; r++)); do
		for how in qdisc device netns; do round "$how" "$progs0"; done
	done
	nsim_round "$progs0"
	step "no filter left: cls_bpf unloads"
	act_modules_unload
	unload_cls_bpf
	pass
}

main "$@"
