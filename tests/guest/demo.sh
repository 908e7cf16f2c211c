#!/usr/bin/env bash
# Guest side of tests/host/vm/demo.sh: a narrated tour of our cls_bpf module inside
# the test VM. Two network namespaces joined by a veth pair; an HTB qdisc with
# two classes; a cls_bpf filter (classic BPF bytecode) sends ICMP to one class;
# the class counters prove where the packets went. With the artifacts present,
# a direct-action eBPF object then drops ICMP on ingress.
# Usage: demo.sh --results DIR [--version VERSION]
set -euo pipefail

RESULTS=/tmp VERSION=''
ARTIFACTS=/opt/cls-bpf-test/artifacts
# Classic BPF, run on egress where skb->data is the Ethernet header:
#   ldh [12]; jeq #0x800 (IPv4) else no match; ldb [23] (IP protocol);
#   jeq #1 (ICMP) else no match; ret #-1 (match: use the filter's classid); ret #0
ICMP_BYTECODE='6,40 0 0 12,21 0 3 2048,48 0 0 23,21 0 1 1,6 0 0 4294967295,6 0 0 0'

say() { printf '\n### %s\n' "$*"; }
# run CMD...: show the command (quoting arguments with spaces), then run it.
run() {
	local a line='$'
	for a in "$@"; do
		[[ "$a" == *' '* ]] && a="'$a'"
		line+=" $a"
	done
	echo "$line"
	"$@"
}
in_a() { ip netns exec demo-a "$@"; }
in_b() { ip netns exec demo-b "$@"; }
A=(ip netns exec demo-a)
B=(ip netns exec demo-b)

# Packets a class has sent, from "tc -s class show".
class_packets() {
	in_a tc -s class show dev va classid "$1" | awk '/Sent/ { print $4; exit }'
}

show_module() {
	say "Which cls_bpf will the kernel use? modinfo resolves it through modules.dep:"
	run modinfo -n cls_bpf
	run modinfo -F version cls_bpf
	echo "(updates/dkms/ is where dkms installs our build; it takes precedence over"
	echo " the distro's kernel/net/sched/cls_bpf.ko. Expected version: ${VERSION:-?})"
}

make_topology() {
	say "Two network namespaces, demo-a and demo-b, joined by a veth pair (va <-> vb)"
	run ip netns add demo-a
	run ip netns add demo-b
	run ip link add va netns demo-a type veth peer name vb netns demo-b
	run "${A[@]}" ip addr add 10.9.0.1/24 dev va
	run "${B[@]}" ip addr add 10.9.0.2/24 dev vb
	run "${A[@]}" ip link set va up
	run "${B[@]}" ip link set vb up
	run "${A[@]}" ip link set lo up
	run "${B[@]}" ip link set lo up
}

make_classes() {
	say "On va's egress: an HTB qdisc with class 1:10 (ICMP) and class 1:20 (default)"
	run "${A[@]}" tc qdisc add dev va root handle 1: htb default 20
	run "${A[@]}" tc class add dev va parent 1: classid 1:10 htb rate 10mbit
	run "${A[@]}" tc class add dev va parent 1: classid 1:20 htb rate 10mbit
	say "cls_bpf filter: classic BPF bytecode that matches IPv4 ICMP, sending it to 1:10"
	echo "(adding a 'bpf' filter makes the kernel load the cls_bpf module on demand)"
	run "${A[@]}" tc filter add dev va parent 1: bpf bytecode "$ICMP_BYTECODE" classid 1:10
	run "${A[@]}" tc filter show dev va
	say "The module is now loaded; /sys/module tells us which one it is"
	run cat /sys/module/cls_bpf/version
	printf 'taint: %s  (O = out-of-tree, i.e. our dkms build)\n' "$(cat /sys/module/cls_bpf/taint)"
}

send_traffic() {
	say "Send 5 pings (ICMP) and 3 UDP datagrams from demo-a to demo-b"
	run "${A[@]}" ping -c 5 -i 0.2 -W 2 10.9.0.2
	in_a bash -c 'for _ in 1 2 3; do echo hello >/dev/udp/10.9.0.2/9; done' || true
	echo "(UDP sent; nobody listens on port 9, which does not matter for the counters)"
}

prove_counters() {
	local icmp other
	say "Class counters: which class did the packets land in?"
	run "${A[@]}" tc -s class show dev va
	icmp=$(class_packets 1:10)
	other=$(class_packets 1:20)
	echo
	echo "class 1:10 (chosen by our cls_bpf for ICMP): $icmp packets"
	echo "class 1:20 (HTB default, everything else incl. ARP and UDP): $other packets"
	if [ "${icmp:-0}" -ge 5 ]; then
		echo "RESULT: all 5 ICMP echo requests were classified into 1:10 by cls_bpf"
	else
		echo "RESULT: FAILED, expected at least 5 packets in 1:10"
		return 1
	fi
}

ebpf_drop_demo() {
	local obj=$ARTIFACTS/bpf/da_drop_icmp.o dropped
	if [ ! -f "$obj" ]; then
		say "No eBPF artifacts ($obj missing): skipping the direct-action part"
		return 0
	fi
	say "Direct-action eBPF: $obj drops IPv4 ICMP on vb's ingress (clsact qdisc)"
	run "${B[@]}" tc qdisc add dev vb clsact
	run "${B[@]}" tc filter add dev vb ingress bpf direct-action obj "$obj" sec classifier
	run "${B[@]}" tc filter show dev vb ingress
	say "Ping again: the replies never come, cls_bpf returned TC_ACT_SHOT"
	run "${A[@]}" ping -c 3 -i 0.2 -W 1 10.9.0.2 || true
	run "${B[@]}" tc -s qdisc show dev vb
	dropped=$(in_b tc -s qdisc show dev vb | awk '/clsact/ { f = 1 } f && /dropped/ { sub(",", "", $7); print $7; exit }')
	echo "clsact drops on vb: ${dropped:-?}"
	if [ "${dropped:-0}" -ge 3 ]; then
		echo "RESULT: the eBPF program run by cls_bpf dropped the ICMP packets"
	else
		echo "RESULT: FAILED, expected at least 3 drops"
		return 1
	fi
}

main() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--results) RESULTS=$2; shift 2 ;;
		--version) VERSION=$2; shift 2 ;;
		*) shift ;;
		esac
	done
	say "cls_bpf demo on kernel $(uname -r)"
	show_module
	make_topology
	make_classes
	send_traffic
	prove_counters
	ebpf_drop_demo
	say "Demo finished"
	touch "$RESULTS/complete"
}

main "$@"; exit
