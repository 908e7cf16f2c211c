#!/usr/bin/env bash
# PID 1 of the test VM (the initramfs switch_roots into it on the 9p root):
# mounts the API file systems, then runs the entry point named in run.conf
# (written by the host, see tests/host/vm/lib.sh) and powers the VM off.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C HOME=/root TERM=dumb
BASE=/opt/cls-bpf-test

mount_fs() {
	local type=$1 dir=$2
	mkdir -p "$dir"
	mountpoint -q "$dir" || mount -t "$type" "$type" "$dir" || echo "guest-init: cannot mount $type on $dir"
}

mount_api() {
	mount_fs proc /proc
	mount_fs sysfs /sys
	mount_fs devtmpfs /dev
	mount_fs devpts /dev/pts
	mount_fs tmpfs /dev/shm
	# devtmpfs lacks these; bash process substitution needs /dev/fd.
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
	[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
	[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
	mount_fs tmpfs /tmp
	mount_fs tmpfs /run
	mount_fs debugfs /sys/kernel/debug
	mount_fs tracefs /sys/kernel/tracing
	mount_fs bpf /sys/fs/bpf
	mount_fs cgroup2 /sys/fs/cgroup
}

# modules.dep must know about modules installed since the last depmod
# (normally dkms already ran it inside the chroot).
refresh_depmod() {
	local krel moddir
	krel=$(uname -r)
	moddir=/lib/modules/$krel
	# Only updates/ (dkms) is checked: walking the whole tree over 9p is slow.
	if [ ! -f "$moddir/modules.dep" ] || { [ -d "$moddir/updates" ] &&
		[ -n "$(find "$moddir/updates" -newer "$moddir/modules.dep" -print -quit)" ]; }; then
		echo "guest-init: running depmod $krel"
		depmod -a "$krel"
	fi
}

power_off() {
	sync
	echo o >/proc/sysrq-trigger
	# The 9p root may already be gone; if PID 1 exits instead, the kernel
	# panics and panic=-1 + -no-reboot end the VM just the same.
	sleep 30 2>/dev/null || true
}

main() {
	local rc=0 uptime
	mount_api
	read -r uptime _ </proc/uptime
	hostname cls-bpf-vm 2>/dev/null || true
	ip link set lo up || true
	# shellcheck source=/dev/null
	. "$BASE/run.conf"
	mkdir -p "$VM_RESULTS"
	echo "$uptime" >"$VM_RESULTS/init-uptime"
	echo "guest-init: $(uname -r) reached init after ${uptime}s; running $VM_ENTRY"
	refresh_depmod || echo "guest-init: depmod failed"
	"$BASE/guest/$VM_ENTRY" "${VM_ARGS[@]}" </dev/null || rc=$?
	echo "$rc" >"$VM_RESULTS/exit-status"
	echo "guest-init: $VM_ENTRY exited with $rc; powering off"
	power_off
}

main "$@" || power_off; exit
