#!/usr/bin/env bash
# Build (or reuse from the cache) the debootstrap chroot for one kernel line:
# the kernel's Debian release with that kernel's image and headers, dkms and
# the tools the tests run. The chroot doubles as the VM's root file system.
# Usage: make-chroot.sh LINE   (LINE from tests/kernels.list, e.g. 6.1)
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=tests/lib/chroot-env.sh
. "$(dirname "$0")/chroot-env.sh"

# Bump when the recipe changes so cached chroots are rebuilt.
RECIPE_VERSION=3
PACKAGES=(dkms make gcc libc6-dev kmod iproute2 iputils-ping ethtool
	procps psmisc iptables ca-certificates xz-utils zstd dpkg-dev debhelper
	libelf1 zlib1g)

base_suite() { case "$1" in experimental) echo sid ;; *) echo "$1" ;; esac; }

write_sources() {
	local root=$1 release=$2 main sec
	main=$("$REPO_DIR/tests/lib/mirror.sh" main)
	sec=$("$REPO_DIR/tests/lib/mirror.sh" security)
	case "$release" in
	sid) echo "deb $main sid main" ;;
	experimental) printf 'deb %s sid main\ndeb %s experimental main\n' "$main" "$main" ;;
	*) printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
		"$main" "$release" "$main" "$release" "$sec" "$release" ;;
	esac >"$root/etc/apt/sources.list"
	# sid and experimental Release files are expired on this archive.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/90cls-bpf-test"
	echo 'APT::Install-Recommends "false";' >>"$root/etc/apt/apt.conf.d/90cls-bpf-test"
}

# Kernel packages are resolved at run time from the suite's meta packages.
install_kernel() {
	local root=$1 release=$2 target=()
	[ "$release" = experimental ] && target=(-t experimental)
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "${target[@]}" \
		linux-image-amd64 linux-headers-amd64
	find "$root/lib/modules/" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1 \
		>"$root/etc/cls-bpf-test-kernel"
	[ -s "$root/etc/cls-bpf-test-kernel" ] || die "no kernel installed in $root"
}

# bullseye-security's index has listed a bpftool its pool does not carry:
# fall back to the release's own bpftool rather than fail or go without.
install_bpftool() {
	local root=$1 release=$2
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 bpftool ||
		in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "bpftool/$release"
}

install_packages() {
	local root=$1 release=$2
	in_root "$root" apt-get update -q || return 1
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "${PACKAGES[@]}" || return 1
	install_bpftool "$root" "$release" || return 1
	install_kernel "$root" "$release" || return 1
	in_root "$root" sh -c 'command -v dkms && command -v bpftool && command -v tc' || return 1
}

build_chroot() {
	local line=$1 root=$2 release=$3 suite tmp
	suite=$(base_suite "$release")
	tmp=$root.new
	rm -rf "$tmp"
	mkdir -p "$CACHE_DIR/debootstrap/$release"
	progress "$line" chroot "debootstrap $suite into $tmp"
	debootstrap --variant=minbase --components=main --cache-dir="$CACHE_DIR/debootstrap/$release" \
		"$suite" "$tmp" "$("$REPO_DIR/tests/lib/mirror.sh" main)" >"$CACHE_DIR/logs/chroot-$release.log" 2>&1 ||
		die "debootstrap $suite failed: see $CACHE_DIR/logs/chroot-$release.log"
	write_sources "$tmp" "$release"
	trap 'umount_api "$tmp"' EXIT
	mount_api "$tmp"
	# Kernel postinst hooks would build an initramfs we never use (the VM
	# boots with its own tiny one); keep them fast.
	in_root "$tmp" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >/dev/null
	ln -sf /bin/true "$tmp/usr/sbin/update-initramfs"
	progress "$line" chroot "installing packages and the $release kernel"
	install_packages "$tmp" "$release" >>"$CACHE_DIR/logs/chroot-$release.log" 2>&1 ||
		die "package installation failed: see $CACHE_DIR/logs/chroot-$release.log"
	umount_api "$tmp"
	trap - EXIT
	echo "$RECIPE_VERSION" >"$tmp/etc/cls-bpf-test-recipe"
	rm -rf "$root"
	mv "$tmp" "$root"
}

main() {
	local line=${1:?usage: make-chroot.sh LINE} release root
	release=$(kernel_field "$line" 2)
	root=$(chroot_dir "$line")
	mkdir -p "$CACHE_DIR/chroots" "$CACHE_DIR/logs"
	exec 9>"$root.lock"
	flock 9
	if [ "$(cat "$root/etc/cls-bpf-test-recipe" 2>/dev/null)" = "$RECIPE_VERSION" ]; then
		progress "$line" chroot "cached: $root ($(cat "$root/etc/cls-bpf-test-kernel"))"
		return 0
	fi
	build_chroot "$line" "$root" "$release"
	progress "$line" chroot "ready: $root ($(cat "$root/etc/cls-bpf-test-kernel"))"
}

main "$@"
