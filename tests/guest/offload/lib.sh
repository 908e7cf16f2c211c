#!/usr/bin/env bash
# Helpers of the offload suite (sourced by every NN-name.sh), on top of the
# guest's lib.sh (results, kernel log, modules, probes): netdevsim devices
# and their debugfs, device-bound programs, filters and their in_hw state.
# A test checks with check/expect_ok/expect_err (not_ok goes on, so one run
# shows every difference) and ends with pass.
# shellcheck disable=SC2034 # variables here are read by the test scripts
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

OBJ=$ARTIFACTS/offload/ret0.bpf.o
DFS=/sys/kernel/debug/netdevsim
PIN_DIR=/sys/fs/bpf/cls-bpf-offload
CBPF_BYTECODE='1,6 0 0 4294967295,'
# Filled by nsim_new: netdev names of the ports of each netdevsim device.
declare -A NSIM_PORTS=()
NSIM_IDS=()
# Outcome of the last expect_ok/expect_err (1 = as expected); the helpers
# themselves always return 0 so one failed check does not end the test.
LAST_OK=0
OUT='' ERR='' RC=0

# --- results ----------------------------------------------------------------

# Observed behaviour worth comparing between kernels/modes (grep "^RESULT").
result() { printf 'RESULT %s: %s\n' "$1" "$2"; }

# --- running commands ----------------------------------------------------------

# run CMD...: run and capture stdout/stderr/exit status into OUT/ERR/RC, and
# show all three in the log.
run() {
	local errf
	errf=$(mktemp)
	RC=0
	OUT=$("$@" 2>"$errf") || RC=$?
	ERR=$(cat "$errf")
	rm -f "$errf"
	printf '$ %s\n' "$*"
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/  | /'
	[ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/  ! /'
	[ "$RC" = 0 ] || printf '  (exit %s)\n' "$RC"
}

# expect_ok DESC CMD...: the command must succeed (result in LAST_OK).
expect_ok() {
	local desc=$1
	shift
	run "$@"
	LAST_OK=0
	if [ "$RC" = 0 ]; then ok "$desc"; LAST_OK=1; else not_ok "$desc (exit $RC)"; fi
	return 0
}

# expect_err DESC MESSAGE CMD...: the command must fail and, if MESSAGE is
# not empty, print MESSAGE (the kernel's extack) on stderr.
expect_err() {
	local desc=$1 msg=$2
	shift 2
	run "$@"
	LAST_OK=0
	if [ "$RC" = 0 ]; then
		not_ok "$desc: succeeded but must fail"
	elif [ -n "$msg" ] && ! grep -qF -- "$msg" <<<"$ERR"; then
		not_ok "$desc: failed without the message '$msg'"
	else
		if [ -n "$msg" ]; then ok "$desc (\"$msg\")"; else ok "$desc"; fi
		LAST_OK=1
	fi
	return 0
}

# no_extack_leak DESC NEEDLE CMD...: the command must succeed and print
# neither NEEDLE nor "Warning:" (driver messages are for skip_sw only).
no_extack_leak() {
	local desc=$1 needle=$2
	shift 2
	run "$@"
	if [ "$RC" != 0 ]; then
		not_ok "$desc (exit $RC)"
	elif grep -qF -e "$needle" -e 'Warning:' <<<"$OUT$ERR"; then
		not_ok "$desc: leaked driver extack"
	else
		ok "$desc: no '$needle'/'Warning:' output"
	fi
}

# --- environment -------------------------------------------------------------

require_env() {
	[ "$(id -u)" = 0 ] || skip "must run as root"
	local tool
	for tool in tc ip bpftool ethtool modprobe; do
		command -v "$tool" >/dev/null || fail "$tool is not installed in the guest"
	done
	[ -f "$OBJ" ] || fail "BPF object $OBJ missing (tests/host/inputs/build.sh)"
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug ||
		fail "debugfs not mounted"
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || fail "bpffs not mounted"
	if [ ! -d /sys/bus/netdevsim ]; then
		modprobe netdevsim || fail "modprobe netdevsim failed (tests/host/inputs/netdevsim.sh injects it)"
	fi
	mkdir -p "$PIN_DIR"
	log "kernel $(uname -r), line $TEST_KERNEL_LINE, mode $TEST_MODE"
	log "cls_bpf: modinfo resolves $(modinfo -n cls_bpf 2>/dev/null || echo '?'); loaded: $(cat /sys/module/cls_bpf/version 2>/dev/null || { [ -d /sys/module/cls_bpf ] && echo 'yes, no version (in-tree)'; } || echo 'not yet (tc autoloads it)')"
	log "netdevsim: $(modinfo -n netdevsim 2>/dev/null || echo '?'); $(tc -V 2>&1 | head -n 1); $(bpftool version 2>/dev/null | head -n 1)"
	SCHED_CLS_BASE=$(sched_cls_count)
	trap cleanup EXIT
}

cleanup() {
	local id
	for id in "${NSIM_IDS[@]}"; do
		[ -e "/sys/bus/netdevsim/devices/netdevsim$id" ] &&
			echo "$id" >/sys/bus/netdevsim/del_device 2>/dev/null
	done
	rm -rf "$PIN_DIR"
	return 0
}

# --- netdevsim -----------------------------------------------------------------

# Netdev names of a netdevsim device in port order (phys_port_name "pN" when
# available, else ifindex order, which is the creation order).
nsim_netdevs() {
	local id=$1 d n idx
	for d in /sys/bus/netdevsim/devices/netdevsim"$id"/net/*; do
		[ -e "$d" ] || continue
		n=${d##*/}
		idx=$(cat "/sys/class/net/$n/phys_port_name" 2>/dev/null) || idx=''
		case "$idx" in p[0-9]*) idx=${idx#p} ;; *) idx=$(cat "/sys/class/net/$n/ifindex") ;; esac
		printf '%s %s\n' "$idx" "$n"
	done | sort -n | awk '{ print $2 }'
}

nsim_port_count() { nsim_netdevs "$1" | wc -l; }

# nsim_new ID PORTS: create a netdevsim device, bring its ports up.
nsim_new() {
	local id=$1 ports=$2 n
	echo "$id $ports" >/sys/bus/netdevsim/new_device || fail "cannot create netdevsim$id"
	NSIM_IDS+=("$id")
	wait_until 20 test "$(nsim_port_count "$id")" = "$ports" ||
		fail "netdevsim$id: $ports netdevs did not appear"
	NSIM_PORTS[$id]=$(nsim_netdevs "$id" | tr '\n' ' ')
	for n in ${NSIM_PORTS[$id]}; do ip link set dev "$n" up; done
	log "netdevsim$id ports: ${NSIM_PORTS[$id]}"
}

nsim_del() {
	echo "$1" >/sys/bus/netdevsim/del_device
}

# nsim_port ID N: netdev name of port N.
nsim_port() {
	local -a p
	read -r -a p <<<"${NSIM_PORTS[$1]}"
	printf '%s\n' "${p[$2]}"
}

# single_port_setup ID: check the environment, create netdevsim device ID
# with one port and give that port an ingress qdisc; the port is in $PORT.
single_port_setup() {
	require_env
	nsim_new "$1" 1
	PORT=$(nsim_port "$1" 0)
	expect_ok "ingress qdisc" tc_ingress "$PORT"
}

# Port-level debugfs directory of a netdev (5.4+ layout).
port_dfs() {
	local dev=$1 id idx dir
	for dir in /sys/bus/netdevsim/devices/netdevsim*; do
		[ -e "$dir/net/$dev" ] || continue
		id=${dir##*netdevsim}
		idx=$(nsim_netdevs "$id" | grep -nx -- "$dev" | cut -d: -f1)
		printf '%s/netdevsim%s/ports/%s\n' "$DFS" "$id" $((idx - 1))
		return 0
	done
	fail "$dev is not a netdevsim port"
}


dfs_get() { cat "$(port_dfs "$1")/$2"; }
dfs_set() {
	log "debugfs $1/$2 = $3"
	echo "$3" >"$(port_dfs "$1")/$2" || fail "cannot write $2 of $1"
}

# Number of programs bound to a netdevsim device (bpf_bound_progs entries).
bound_count() {
	local d=$DFS/netdevsim$1/bpf_bound_progs
	[ -d "$d" ] || { echo 0; return; }
	find "$d" -mindepth 1 -maxdepth 1 | wc -l
}

# bound_prog_field DEVID PROGID FIELD: loaded/state/id of the netdevsim
# bpf_bound_progs entry for a program (entries are numbered by netdevsim,
# their "id" file holds the BPF program id).
bound_prog_field() {
	local d
	for d in "$DFS/netdevsim$1"/bpf_bound_progs/*; do
		[ "$(cat "$d/id" 2>/dev/null)" = "$2" ] || continue
		cat "$d/$3"
		return 0
	done
	echo missing
}

offloaded_id() { dfs_get "$1" bpf_offloaded_id; }

# --- BPF programs ----------------------------------------------------------------

sched_cls_count() { bpftool prog show 2>/dev/null | grep -c ' sched_cls ' || true; }

# prog_load NAME [DEV]: load the object as a classifier pinned at
# $PIN_DIR/NAME, device-bound to DEV if given; prints the program id.
prog_load() {
	local name=$1 dev=${2:-} pin
	pin=$PIN_DIR/$name
	if [ -n "$dev" ]; then
		bpftool prog load "$OBJ" "$pin" type classifier dev "$dev" >&2 || return 1
	else
		bpftool prog load "$OBJ" "$pin" type classifier >&2 || return 1
	fi
	prog_id "$pin"
}

prog_id() { bpftool prog show pinned "$1" | sed -n 's/^\([0-9][0-9]*\):.*/\1/p' | head -n 1; }

sched_cls_back_to_base() { [ "$(sched_cls_count)" -le "$SCHED_CLS_BASE" ]; }

# --- tc ------------------------------------------------------------------------

tc_ingress() { tc qdisc add dev "$1" ingress; }

# filter_line DEV|block:N [PRIO]: the bpf filter line(s) of tc's dump,
# flattened to one line per filter.
filter_dump() {
	local where=$1
	case "$where" in
	block:*) tc -s filter show block "${where#block:}" ;;
	*) tc -s filter show dev "$where" ingress ;;
	esac
}

# Word checks on tc's plain output: "in_hw" must not match "not_in_hw".
has_word() { grep -qw -- "$2" <<<"$1"; }
lacks_word() { ! has_word "$1" "$2"; }
is_in_hw() { has_word "$1" in_hw; }
is_not_in_hw() { has_word "$1" not_in_hw; }
dump_id() { sed -n 's/.* id \([0-9][0-9]*\).*/\1/p' <<<"$1" | head -n 1; }
in_hw_count() { sed -n 's/.*in_hw_count \([0-9][0-9]*\).*/\1/p' <<<"$1" | head -n 1; }

# check_in_hw_count DESC N: iproute2 prints in_hw_count for some classifiers
# only; when the bpf dump in OUT lacks it, the netdevsim checks stand alone.
check_in_hw_count() {
	local n
	n=$(in_hw_count "$OUT")
	if [ -z "$n" ]; then
		log "$1: tc does not print in_hw_count for bpf filters"
	elif [ "$n" = "$2" ]; then
		ok "$1: in_hw_count $n"
	else
		not_ok "$1: in_hw_count $n, expected $2"
	fi
}

filter_count() { filter_dump "$1" | grep -c 'handle' || true; }

# show_filters WHERE: dump into OUT (and the log).
show_filters() {
	run filter_dump "$1"
	[ "$RC" = 0 ] || not_ok "tc filter show $1 failed"
}

expect_in_hw() {
	show_filters "$1"
	if is_in_hw "$OUT" && ! is_not_in_hw "$OUT"; then ok "$2: in_hw"; else not_ok "$2: not reported in_hw"; fi
}

expect_not_in_hw() {
	show_filters "$1"
	if is_not_in_hw "$OUT"; then
		ok "$2: not_in_hw"
	elif is_in_hw "$OUT"; then
		not_ok "$2: reported in_hw"
	else
		# iproute2 without not_in_hw printing: absence of in_hw is enough.
		ok "$2: no in_hw"
	fi
}

# bpf_filter DEV|block:N OP [tc filter args...]
bpf_filter() {
	local where=$1 op=$2
	shift 2
	case "$where" in
	block:*) tc filter "$op" block "${where#block:}" "$@" ;;
	*) tc filter "$op" dev "$where" ingress "$@" ;;
	esac
}

flush_filters() {
	local where=$1
	case "$where" in
	block:*) tc filter del block "${where#block:}" 2>/dev/null || true ;;
	*) tc filter del dev "$where" ingress 2>/dev/null || true ;;
	esac
}

