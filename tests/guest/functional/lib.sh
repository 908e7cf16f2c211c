#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the functional suite (sourced by every NN-name.sh), on top of
# the guest's lib.sh (results, kernel log, modules, probes): namespaces,
# links, traffic, counters, filters and programs.
#
# Conventions: every test builds its own network namespaces named
# "cbt<NN><letter>" (NN = the script's number), all removed on exit.
# Traffic is deterministic: IPv6 is off in every namespace and neighbours
# are static, so the only packets on a veth are the ones a test sends.
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

TC_CLIENT=$ARTIFACTS/tc_client
TEST_NUM=${TEST_NAME%%-*}
NS_PREFIX=cbt$TEST_NUM
NSA=${NS_PREFIX}a
NSB=${NS_PREFIX}b
NSC=${NS_PREFIX}c
# Must match REDIRECT_IFINDEX in tests/guest/src/bpf/common.h.
REDIRECT_IFINDEX=42
PING_COUNT=3
# Last command's stderr (see expect_fail).
LAST_ERR=''

# --- assertions (each one fails the test) ----------------------------------

assert_eq() {
	[[ "$2" == "$3" ]] || fail "$1: got '$2', expected '$3'"
	log "ok: $1 = $2"
}

assert_ne() {
	[[ "$2" != "$3" ]] || fail "$1: got '$2', expected something else"
	log "ok: $1 = $2 (not $3)"
}

assert_ge() {
	[[ "$2" -ge "$3" ]] || fail "$1: got $2, expected >= $3"
	log "ok: $1 = $2 (>= $3)"
}

# assert_match WHAT TEXT ERE
assert_match() {
	grep -Eq -- "$3" <<<"$2" || fail "$1: no match for /$3/ in:
$2"
	log "ok: $1 matches /$3/"
}

assert_no_match() {
	! grep -Eq -- "$3" <<<"$2" || fail "$1: unexpected match for /$3/ in:
$2"
	log "ok: $1 does not match /$3/"
}

# expect_fail WHAT CMD...: CMD must fail; its stderr is left in LAST_ERR.
expect_fail() {
	local what=$1 errf rc=0
	shift
	errf=$(mktemp)
	"$@" 2>"$errf" || rc=$?
	LAST_ERR=$(cat "$errf")
	rm -f "$errf"
	[[ $rc -ne 0 ]] || fail "$what: '$*' succeeded but must fail"
	log "ok: $what refused (exit $rc): ${LAST_ERR//$'\n'/ | }"
}

# --- namespaces and links -------------------------------------------------
# Under QEMU TCG every exec costs a lot: helpers use "ip -n"/"tc -n",
# ip -batch and bash builtins instead of pipelines where they can.

cleanup_netns() {
	local ns rest
	while read -r ns rest; do
		[[ "$ns" == "$NS_PREFIX"* ]] && ip netns del "$ns" 2>/dev/null
	done < <(ip netns list 2>/dev/null)
	return 0
}

on_exit() {
	local rc=$?
	trap - EXIT
	cleanup_netns
	exit "$rc"
}

nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# tcn NS ARGS...: tc inside a namespace, echoed to the log.
tcn() {
	local ns=$1
	shift
	echo "+ [$ns] tc $*"
	tc -n "$ns" "$@"
}

# ns_add NS...: create namespaces with IPv6 off.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		# shellcheck disable=SC2016 # expanded by sh in the namespace
		nsx "$ns" sh -c 'for f in all default; do
			f=/proc/sys/net/ipv6/conf/$f/disable_ipv6
			[ ! -e $f ] || echo 1 >$f
		done'
	done
}

# addr_mac ADDR: a locally administered MAC derived from an IPv4 address.
addr_mac() {
	local IFS=.
	# shellcheck disable=SC2086 # split on dots
	set -- $1
	printf '02:00:%02x:%02x:%02x:%02x' "$1" "$2" "$3" "$4"
}

# veth_add NS1 DEV1 ADDR1 NS2 DEV2 ADDR2 [ARGS for DEV1...]
#   veth pair DEV1 (in NS1) <-> DEV2 (in NS2), /24 addresses, links up,
#   static neighbour entries both ways. ADDR "-" = no address.
veth_add() {
	local ns1=$1 dev1=$2 addr1=$3 ns2=$4 dev2=$5 addr2=$6
	local mac1 mac2
	shift 6
	mac1=$(addr_mac "${addr1/#-/0.0.0.1}")
	mac2=$(addr_mac "${addr2/#-/0.0.0.2}")
	ip -n "$ns1" link add "$dev1" address "$mac1" "$@" type veth \
		peer name "$dev2" address "$mac2" netns "$ns2"
	link_batch "$ns1" "$dev1" "$addr1" "$addr2" "$mac2"
	link_batch "$ns2" "$dev2" "$addr2" "$addr1" "$mac1"
}

# link_batch NS DEV ADDR PEER_ADDR PEER_MAC: address, up, static neighbour.
link_batch() {
	local ns=$1 dev=$2 addr=$3 peer=$4 mac=$5
	{
		[[ "$addr" == - ]] || echo "addr add $addr/24 dev $dev"
		echo "link set $dev up"
		[[ "$addr" == - || "$peer" == - ]] ||
			echo "neigh replace $peer lladdr $mac dev $dev nud permanent"
	} | ip -n "$ns" -batch -
}

link_ifindex() {
	local out
	out=$(ip -n "$1" -o link show dev "$2")
	echo "${out%%:*}"
}

# setup_pair N: namespaces A and B, va (10.N.0.1) <-> vb (10.N.0.2).
ADDR_A='' ADDR_B=''
setup_pair() {
	ADDR_A=10.$1.0.1
	ADDR_B=10.$1.0.2
	ns_add "$NSA" "$NSB"
	veth_add "$NSA" va "$ADDR_A" "$NSB" vb "$ADDR_B"
}

# setup_redirect_target: in B a device with ifindex REDIRECT_IFINDEX (vr)
# whose peer vc lives in namespace C (no addresses).
setup_redirect_target() {
	ns_add "$NSC"
	veth_add "$NSB" vr - "$NSC" vc - index "$REDIRECT_IFINDEX"
	assert_eq "ifindex of vr" "$(link_ifindex "$NSB" vr)" "$REDIRECT_IFINDEX"
}

# --- traffic --------------------------------------------------------------

# ping_ok NS ADDR [ping args]: PING_COUNT echo requests, replies must come.
ping_ok() {
	local ns=$1 addr=$2
	shift 2
	echo "+ [$ns] ping $addr $* (must succeed)"
	nsx "$ns" ping -q -n -c "$PING_COUNT" -i 0.2 -W 2 "$@" "$addr" ||
		fail "ping $addr from $ns failed"
}

# ping_fails NS ADDR [ping args]: PING_COUNT echo requests, no reply.
ping_fails() {
	local ns=$1 addr=$2
	shift 2
	echo "+ [$ns] ping $addr $* (must fail)"
	if nsx "$ns" ping -q -n -c "$PING_COUNT" -i 0.2 -W 1 "$@" "$addr"; then
		fail "ping $addr from $ns got replies"
	fi
	return 0
}

# send_udp NS ADDR COUNT: COUNT datagrams to port 9 (nobody listens).
send_udp() {
	echo "+ [$1] $3 UDP datagrams to $2:9"
	nsx "$1" bash -c "for ((i = 0; i < $3; i++)); do echo x >/dev/udp/$2/9; done"
}

# --- counters ---------------------------------------------------------------

# snmp NS PROTO FIELD: a /proc/net/snmp counter (e.g. Icmp InEchos).
snmp() {
	local ns=$1 proto=$2 field=$3 i
	local -a line hdr=() vals=()
	while read -r -a line; do
		[[ "${line[0]}" == "$proto:" ]] || continue
		if [[ ${#hdr[@]} -eq 0 ]]; then
			hdr=("${line[@]}")
		else
			vals=("${line[@]}")
			break
		fi
	done < <(nsx "$ns" cat /proc/net/snmp)
	for i in "${!hdr[@]}"; do
		if [[ "${hdr[$i]}" == "$field" ]]; then
			echo "${vals[$i]}"
			return 0
		fi
	done
	fail "no $proto $field in /proc/net/snmp of $ns"
}

in_echos() { snmp "$1" Icmp InEchos; }
udp_noports() { snmp "$1" Udp NoPorts; }

# link_stat NS DEV rx_packets|tx_packets
link_stat() {
	local want=${3%%_*} next=''
	local -a f
	want=${want^^}:
	while read -r -a f; do
		if [[ -n "$next" ]]; then
			echo "${f[1]}"
			return 0
		fi
		[[ "${f[0]:-}" == "$want" ]] && next=1
	done < <(ip -n "$1" -s link show dev "$2")
	fail "no $3 for $2 in $1"
}

# qdisc_stat NS DEV KIND pkt|dropped: counters of the qdisc of that kind.
qdisc_stat() {
	local in_q='' v
	local -a f
	while read -r -a f; do
		if [[ "${f[0]:-}" == qdisc ]]; then
			[[ "${f[1]}" == "$3" ]] && in_q=1 || in_q=''
		elif [[ -n "$in_q" && "${f[0]:-}" == Sent ]]; then
			if [[ "$4" == pkt ]]; then v=${f[3]}; else v=${f[6]%,}; fi
			echo "$v"
			return 0
		fi
	done < <(tc -n "$1" -s qdisc show dev "$2")
	fail "no $3 qdisc on $2 in $1"
}

qdisc_drops() { qdisc_stat "$1" "$2" "$3" dropped; }

# load_classes NS DEV ARRAY: ARRAY[classid] = packets sent through the class.
load_classes() {
	local -n _classes=$3
	local cls=''
	local -a f
	_classes=()
	while read -r -a f; do
		if [[ "${f[0]:-}" == class ]]; then
			cls=${f[2]}
		elif [[ -n "$cls" && "${f[0]:-}" == Sent ]]; then
			_classes["$cls"]=${f[3]}
			cls=''
		fi
	done < <(tc -n "$1" -s class show dev "$2")
}

declare -A CLASS_BEFORE=() CLASS_NOW=()

# class_snapshot NS DEV: remember the class counters.
class_snapshot() { load_classes "$1" "$2" CLASS_BEFORE; }

# class_expect NS DEV CLASSID=N...: packets per class since the snapshot.
class_expect() {
	local ns=$1 dev=$2 kv c
	shift 2
	load_classes "$ns" "$dev" CLASS_NOW
	for kv in "$@"; do
		c=${kv%=*}
		[[ -n "${CLASS_NOW[$c]:-}" ]] || fail "no class $c on $dev"
		assert_eq "packets in class $c" \
			"$((CLASS_NOW[$c] - ${CLASS_BEFORE[$c]:-0}))" "${kv#*=}"
	done
}

# first_action_pkts NS DEV PARENT...: packets seen by the first action
# listed by "tc -s filter show" (0 when there is none).
first_action_pkts() {
	local ns=$1 dev=$2 in_a=''
	local -a f
	shift 2
	while read -r -a f; do
		[[ "${f[*]:0:2}" == "action order" ]] && in_a=1
		if [[ -n "$in_a" && "${f[0]:-}" == Sent ]]; then
			echo "${f[3]}"
			return 0
		fi
	done < <(tc -n "$ns" -s filter show dev "$dev" "$@")
	echo 0
}

# --- tc helpers -------------------------------------------------------------

obj() {
	local path=$ARTIFACTS/bpf/$1.o
	[[ -f "$path" ]] || fail "missing artifact $path (tests/host/inputs/build.sh)"
	echo "$path"
}

# add_da NS DEV PROG ARGS... [-- BPF_OPTS...]: a direct-action filter.
# ARGS say where ("ingress", "parent 1:") plus prio, handle...;
# BPF_OPTS go after the bpf kind (classid, skip_hw, action ...).
add_da() {
	local ns=$1 dev=$2 prog=$3 where=()
	shift 3
	while [[ $# -gt 0 && "$1" != -- ]]; do
		where+=("$1")
		shift
	done
	[[ $# -eq 0 ]] || shift
	tcn "$ns" filter add dev "$dev" "${where[@]}" bpf obj "$(obj "$prog")" \
		sec classifier da "$@"
}

# tc_batch NS: tc -batch of the commands on stdin (one exec for many).
tc_batch() { tc -n "$1" -batch -; }

# setup_htb NS DEV: HTB root 1: (default 1:40), classes 1:10 1:20 1:30 1:40.
setup_htb() {
	local c
	echo "+ [$1] HTB on $2: classes 1:10 1:20 1:30 1:40, default 1:40"
	{
		echo "qdisc add dev $2 root handle 1: htb default 40"
		echo "class add dev $2 parent 1: classid 1:1 htb rate 10mbit"
		for c in 10 20 30 40; do
			echo "class add dev $2 parent 1:1 classid 1:$c htb rate 10mbit ceil 10mbit"
		done
	} | tc_batch "$1"
}

# filters NS DEV PARENT...: tc filter show.
filters() {
	local ns=$1 dev=$2
	shift 2
	tc -n "$ns" filter show dev "$dev" "$@"
}

# filter_count NS DEV PARENT...: number of filter entries (with a handle).
filter_count() {
	local line n=0 out
	out=$(filters "$@" 2>/dev/null) || true
	while IFS= read -r line; do
		[[ "$line" == *" handle "* ]] && n=$((n + 1))
	done <<<"$out"
	echo "$n"
}

# prog_id_of NS DEV PARENT HANDLE: "id N" of the filter with that handle.
prog_id_of() {
	local line
	while IFS= read -r line; do
		[[ "$line" == *" handle $4 "* ]] || continue
		if [[ "$line" =~ (^|[[:space:]])id\ ([0-9]+) ]]; then
			echo "${BASH_REMATCH[2]}"
			return 0
		fi
	done < <(filters "$1" "$2" "$3")
	return 0
}

# prog_ids NS DEV PARENT...: ids of all eBPF programs in a hook's dump.
prog_ids() {
	local line ids=()
	while IFS= read -r line; do
		[[ "$line" =~ (^|[[:space:]])id\ ([0-9]+) ]] && ids+=("${BASH_REMATCH[2]}")
	done < <(filters "$@")
	echo "${ids[*]}"
}

# tc_client NS ARGS...: the libbpf/raw netlink client inside a namespace.
tc_client() {
	local ns=$1
	shift
	[[ -x "$TC_CLIENT" ]] || fail "missing artifact $TC_CLIENT"
	echo "+ [$ns] tc_client $*" >&2
	ip netns exec "$ns" "$TC_CLIENT" "$@"
}

# --- BPF programs ---------------------------------------------------------

prog_count() {
	local line n=0
	while IFS= read -r line; do
		[[ "$line" =~ ^[0-9]+: ]] && n=$((n + 1))
	done < <(bpftool prog show)
	echo "$n"
}

# wait_prog_count N: programs are freed asynchronously (RCU, work queue,
# netns cleanup); wait up to 60 s for the count to drop to N.
wait_prog_count() {
	local want=$1 i n
	for ((i = 0; i < 120; i++)); do
		n=$(prog_count)
		if [[ "$n" -le "$want" ]]; then
			log "ok: $n BPF programs loaded (<= $want)"
			return 0
		fi
		sleep 0.5
	done
	bpftool prog show >&2 || true
	fail "BPF programs not freed: $n loaded, expected <= $want"
}

prog_exists() { bpftool prog show id "$1" >/dev/null 2>&1; }

wait_prog_gone() {
	local i
	for ((i = 0; i < 120; i++)); do
		if ! prog_exists "$1"; then
			log "ok: program $1 freed"
			return 0
		fi
		sleep 0.5
	done
	fail "program $1 still loaded"
}

jit_enabled() { [[ "$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)" != 0 ]]; }

# --- start ------------------------------------------------------------------

lib_start() {
	[[ $EUID -eq 0 ]] || fail "must run as root"
	[[ -d "$ARTIFACTS" ]] || fail "no artifacts dir $ARTIFACTS"
	trap on_exit EXIT
	cleanup_netns
	log "test $TEST_NAME on $(uname -r) (line $TEST_KERNEL_LINE, mode $TEST_MODE)"
	log "$(tc -V 2>&1 | tail -n 1)"
}
