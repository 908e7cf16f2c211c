#!/usr/bin/env bash
# The fault-injection sweep (tests/guest/src/faults/failnth.c): for each
# kind of request the classifier handles (classic BPF add, eBPF add, add
# with an action, replace, delete, dump on a dummy's clsact; a skip_sw add
# on an offload-capable netdevsim port), the 1st, 2nd, ... allocation the
# request makes fails until one run meets no failure. Each failure must
# leave the table as it was (or as the request makes it, when it still
# succeeds or only its answer is lost); for our module every failure of the
# classifier's own allocation must be answered with an extack message (the
# in-tree module's are counted). Afterwards: no kernel splat other than the
# injected failures' reports, every program and action freed (act_gact and
# cls_bpf unload), and kmemleak finds nothing unreferenced.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

KINDS=(cbpf-add ebpf-add act-add replace delete dump)
EXTACK=()

# shellcheck disable=SC2317 # the EXIT trap
faults_exit() {
	local rc=$?
	faults_restore
	robust_exit "$rc"
}

main() {
	local progs0 kind port
	robust_start
	trap faults_exit EXIT
	is_ours && EXTACK=(--require-extack)
	progs0=$(prog_count)
	ns_add "$NSA"
	ip -n "$NSA" link add d0 type dummy
	ip -n "$NSA" link set d0 up
	tcn "$NSA" qdisc add dev d0 clsact
	modprobe act_gact || fail "modprobe act_gact"
	nsim_available || fail "no netdevsim on this kernel (the debug kernels build it)"
	port=$(nsim_add 1701)
	faults_setup
	kernel_log_mark
	kmemleak_start
	for kind in "${KINDS[@]}"; do sweep "$NSA" d0 "$kind" "${EXTACK[@]}"; done
	sweep "" "$port" offload-add "${EXTACK[@]}"
	faults_restore
	kernel_log_check "the sweep"

	step "everything freed; cls_bpf unloads"
	tcn "$NSA" qdisc del dev d0 clsact
	tc qdisc del dev "$port" clsact
	nsim_remove 1701
	wait_prog_count "$progs0"
	check "no gact action left" test -z "$(tc actions ls action gact 2>/dev/null | grep -i index)"
	unload act_gact
	unload_cls_bpf
	kmemleak_check "the sweep and its cleanup"
	pass
}

main "$@"
