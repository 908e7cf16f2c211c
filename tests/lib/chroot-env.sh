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

# cls_bpf_package_present ROOT: dpkg has cls-bpf-dkms in ROOT in any state
# but purged (installed, half-installed, config files left...).
cls_bpf_package_present() {
	local status
	# shellcheck disable=SC2016 # dpkg-query format, not a shell expansion
	status=$(in_root "$1" dpkg-query -W -f='${Status}' cls-bpf-dkms 2>/dev/null || true)
	case "$status" in
	'' | *not-installed) return 1 ;;
	*) return 0 ;;
	esac
}

# remove_cls_bpf_copies ROOT: purge our package if dpkg knows it, unregister
# every cls-bpf version dkms knows and delete their source trees, so the
# chroot holds no copy of ours (neither from source nor from the package).
remove_cls_bpf_copies() {
	local root=$1 v
	if cls_bpf_package_present "$root"; then
		in_root "$root" dpkg --purge cls-bpf-dkms >/dev/null ||
			die "cannot purge cls-bpf-dkms from $root"
	fi
	for v in $(in_root "$root" dkms status cls-bpf 2>/dev/null |
		sed -n 's|^cls-bpf[/,] *\([^,:]*\).*|\1|p' | sort -u); do
		in_root "$root" dkms remove "cls-bpf/$v" --all >/dev/null 2>&1 || true
	done
	rm -rf "$root"/usr/src/cls-bpf-*
}

# claim_chroot_without_cls_bpf ROOT: hold ROOT's lock (shared with
# make-chroot.sh and the VM harness) until this script exits, mount its API
# filesystems until then, and remove every earlier copy of ours from it.
claim_chroot_without_cls_bpf() {
	local root=$1
	exec 8>"$root.lock"
	flock 8
	CHROOT_TO_UMOUNT=$root
	trap 'umount_api "$CHROOT_TO_UMOUNT"' EXIT
	mount_api "$root"
	remove_cls_bpf_copies "$root"
}
