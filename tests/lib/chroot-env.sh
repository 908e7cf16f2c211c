#!/usr/bin/env bash
# Helpers to run commands inside a test chroot (sourced, not executed).

# mount_api ROOT: proc, sys, dev and the shared apt archive cache.
mount_api() {
	local root=$1
	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
	mountpoint -q "$root/sys" || mount -t sysfs sys "$root/sys"
	mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
	mkdir -p "$CACHE_DIR/apt-archives/$(basename "${root%.new}")"
	mountpoint -q "$root/var/cache/apt/archives" ||
		mount --bind "$CACHE_DIR/apt-archives/$(basename "${root%.new}")" "$root/var/cache/apt/archives"
}

umount_api() {
	local root=$1 m
	for m in var/cache/apt/archives dev sys proc; do
		if mountpoint -q "$root/$m"; then
			umount -l "$root/$m"
		fi
	done
	return 0
}

# in_root ROOT CMD...: run CMD in ROOT with a clean environment.
in_root() {
	local root=$1
	shift
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

# dkms_remove_cls_bpf ROOT: unregister every cls-bpf version dkms knows in
# ROOT and delete their source trees, so the chroot holds no copy of ours.
dkms_remove_cls_bpf() {
	local root=$1 v
	for v in $(in_root "$root" dkms status cls-bpf 2>/dev/null |
		sed -n 's|^cls-bpf[/,] *\([^,:]*\).*|\1|p' | sort -u); do
		in_root "$root" dkms remove "cls-bpf/$v" --all >/dev/null 2>&1 || true
	done
	rm -rf "$root"/usr/src/cls-bpf-*
}
