#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the robustness suite (sourced by every NN-name.sh), on top of
# the functional suite's lib.sh: the same namespaces, links, counters and
# results, plus the fuzzer, a background flood, netdevsim ports and loading
# either cls_bpf by path.
#
# Extra environment from the guest runner:
#   TEST_SCALE          multiplies request and operation counts (make stress)
#   TEST_SEED           base seed (default fixed, so make check is repeatable)
#   TEST_OUTDIR         kept with the test's log on the host (fuzzer logs)
# shellcheck disable=SC2034 # variables here are read by the test scripts
# shellcheck source=SCRIPTDIR/../functional/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../functional/lib.sh"

FUZZ=$ARTIFACTS/fuzz
FUZZ_CORPUS=$ARTIFACTS/fuzz-corpus
SCALE=${TEST_SCALE:-1}
SEED=${TEST_SEED:-20261203}
ACT_MODULES=(act_gact act_police act_mirred act_skbedit)
FLOOD_PID=''
# Background fuzzers of the test, killed if it ends early.
FUZZ_PIDS=()

# --- traffic ----------------------------------------------------------------

# flood_start NS ADDR: UDP datagrams to ADDR:9 until flood_stop.
flood_start() {
	ip netns exec "$1" "$TC_CLIENT" udp-flood "$2" &
	FLOOD_PID=$!
	log "flooding $2 from $1 (pid $FLOOD_PID)"
}

flood_stop() {
	[[ -n "$FLOOD_PID" ]] || return 0
	kill "$FLOOD_PID" 2>/dev/null || true
	wait "$FLOOD_PID" 2>/dev/null || true
	FLOOD_PID=''
}

# --- modules ----------------------------------------------------------------

# Unload the action modules no filter holds, so that the next requests with
# actions make the core drop rtnl to autoload them.
act_modules_unload() {
	local m
	for m in "${ACT_MODULES[@]}"; do
		[[ -d /sys/module/$m ]] && rmmod "$m" 2>/dev/null
	done
	return 0
}

# --- the fuzzer -------------------------------------------------------------

# fuzz NS ARGS...: the fuzzer inside a namespace; its summary goes to the log.
fuzz() {
	local ns=$1
	shift
	[[ -x "$FUZZ" ]] || fail "missing artifact $FUZZ"
	echo "+ [$ns] fuzz $*" >&2
	ip netns exec "$ns" "$FUZZ" "$@"
}

# robust_exit [RC]: the EXIT trap (RC: the test's status, default $?).
robust_exit() {
	local rc=${1:-$?} pid
	trap - EXIT
	for pid in "${FUZZ_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	flood_stop
	cleanup_netns
	exit "$rc"
}

robust_start() {
	lib_start
	trap robust_exit EXIT
	log "scale $SCALE, seed $SEED"
}

# --- netdevsim ---------------------------------------------------------------

# nsim_available: the harness installed netdevsim for this kernel.
nsim_available() { [[ -w /sys/bus/netdevsim/new_device ]] || modprobe netdevsim 2>/dev/null; }

# nsim_add ID: a netdevsim device with one port, up, hw-tc-offload on,
# with a clsact qdisc; prints the port's name.
nsim_add() {
	local id=$1 port='' i
	echo "$id 1" >/sys/bus/netdevsim/new_device || fail "cannot create netdevsim$id"
	for ((i = 0; i < 40; i++)); do
		for port in "/sys/bus/netdevsim/devices/netdevsim$id/net/"*; do :; done
		[[ -e "$port" ]] && break
		sleep 0.25
	done
	port=${port##*/}
	[[ -e "/sys/class/net/$port" ]] || fail "netdevsim$id has no netdev"
	ip link set "$port" up
	ethtool -K "$port" hw-tc-offload on >/dev/null
	tc qdisc add dev "$port" clsact
	echo "$port"
}

nsim_remove() { echo "$1" >/sys/bus/netdevsim/del_device || fail "cannot delete netdevsim$1"; }

# --- which cls_bpf ----------------------------------------------------------

# unload_cls_bpf: once no filter holds it.
unload_cls_bpf() { unload cls_bpf; }

# load_intree_cls_bpf: the kernel's own module, by path (modprobe prefers
# the dkms copy), decompressed first when the distro compresses modules.
load_intree_cls_bpf() {
	local path plain=$TEST_TMPDIR/cls_bpf-intree.ko
	unload_cls_bpf
	path=$(intree_module_path) || fail "no in-tree cls_bpf for $(uname -r)"
	module_decompress "$path" >"$plain"
	insmod "$plain" || fail "insmod $path"
	[[ ! -e /sys/module/cls_bpf/version ]] || fail "loaded a cls_bpf with a version: not the in-tree one"
	log "in-tree cls_bpf loaded from $path"
}

# load_our_cls_bpf: ours, as autoload finds it.
load_our_cls_bpf() {
	unload_cls_bpf
	modprobe cls_bpf || fail "modprobe cls_bpf"
	assert_eq "version of the loaded cls_bpf" "$(cat /sys/module/cls_bpf/version 2>/dev/null)" \
		"${TEST_MODULE_VERSION:?}"
}
