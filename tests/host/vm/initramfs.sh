#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Build (or reuse from the cache) the tiny busybox initramfs that boots a
# kernel with a run's overlay of its root as 9p root: it insmods the virtio
# and 9p modules of that kernel in dependency order, mounts the 9p root and
# switch_roots into the guest's init.sh.
# The root is mounted cache=loose: nothing on the host touches the run's
# overlay while the VM runs and the guest syncs before powering off; without
# a page cache every exec reads bash and libc over 9p.
# Usage: initramfs.sh ROOT KREL MODDIR   (prints the path of the initramfs)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"

# Modules the 9p root needs; their dependencies are added from modules.dep.
# Any of them may be built in (e.g. virtio_pci on 6.12) and is then skipped.
ROOT_MODULES=(virtio_pci 9pnet_virtio 9p)
GUEST_INIT=/opt/cls-bpf-test/guest/init.sh
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Print the relative paths of ROOT_MODULES and their dependencies, each
# module after everything it depends on (modules.dep lists all of them).
load_order() {
	local moddir=$1 line path deps m
	declare -A dep_of=() by_name=() seen=()
	while IFS= read -r line; do
		path=${line%%:*}
		deps=${line#*:}
		dep_of[$path]=$deps
		m=${path##*/}
		by_name[${m%%.ko*}]=$path
	done <"$moddir/modules.dep"
	visit() {
		local p=$1 d
		[ -n "${seen[$p]:-}" ] && return 0
		seen[$p]=1
		for d in ${dep_of[$p]}; do visit "$d"; done
		echo "$p"
	}
	for m in "${ROOT_MODULES[@]}"; do
		if [ -n "${by_name[$m]:-}" ]; then
			visit "${by_name[$m]}"
		elif ! grep -q "/$m\.ko" "$moddir/modules.builtin"; then
			die "module $m is neither in modules.dep nor built in ($moddir)"
		fi
	done
}

# Copy one module into the image as a plain .ko (busybox insmod cannot
# read compressed modules).
add_module() {
	local src=$1 dst=$2
	case "$src" in
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*.ko) cp "$src" "$dst" ;;
	*) die "unexpected module file $src" ;;
	esac
}

write_init() {
	cat >"$1" <<-INIT
		#!/bin/busybox sh
		/bin/busybox --install -s /bin
		mkdir -p /proc /sys /dev /newroot
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		mount -t devtmpfs dev /dev
		while read -r m; do
			insmod "/modules/\$m" || echo "initramfs: insmod \$m failed"
		done </modules/order
		if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose root /newroot; then
			echo "initramfs: cannot mount the 9p root"
			echo o >/proc/sysrq-trigger
		fi
		umount /proc /sys
		mount --move /dev /newroot/dev 2>/dev/null || umount /dev
		exec switch_root /newroot $GUEST_INIT
	INIT
	chmod 755 "$1"
}

build_image() {
	local moddir=$1 out=$2 stage rel name
	stage=$(mktemp -d)
	mkdir -p "$stage/bin" "$stage/modules"
	cp "$BUSYBOX" "$stage/bin/busybox"
	load_order "$moddir" | while IFS= read -r rel; do
		name=${rel##*/}
		name=${name%%.ko*}.ko
		add_module "$moddir/$rel" "$stage/modules/$name"
		echo "$name" >>"$stage/modules/order"
	done
	touch "$stage/modules/order"
	write_init "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$stage"
}

main() {
	local root=${1:?usage: initramfs.sh ROOT KREL MODDIR} krel=${2:?} moddir key out
	moddir=$root${3:?usage: initramfs.sh ROOT KREL MODDIR}
	# Keyed by kernel release and by this script, so edits rebuild it.
	key=$(cat "$0" "$moddir/modules.dep" | sha256sum | cut -c1-12)
	out=$CACHE_DIR/initramfs/$krel-$key.cpio.gz
	mkdir -p "$CACHE_DIR/initramfs"
	[ -s "$out" ] || build_image "$moddir" "$out"
	echo "$out"
}

main "$@"; exit
