#!/usr/bin/env bash
# Build (or reuse from the cache) the root of one kernel line: a debootstrap
# of the line's root suite with that suite's kernel image and headers, dkms
# and the tools the tests run; it doubles as the VM's root file system. The
# root is built once and never written afterwards (every run mounts an
# overlay of it, tests/host/lib.sh). Resolves the line into its record
# (roots/LINE.record) and prints the record's path on stdout (progress on
# stderr). A debug line's root (debug-6.1) is a copy of its distro line's
# root with the debug kernel (roots/make-debug-kernel.sh, built first if it
# is not cached; with DEBUG_KERNEL_CACHED=1 a debug kernel that is not
# cached fails the root instead) installed in place of the distro kernel.
# Usage: make-root.sh LINE   (LINE from tests/kernels.list, e.g. 6.1)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"

# Bump when the recipe changes so cached roots are rebuilt.
RECIPE_VERSION=4
PACKAGES=(dkms make gcc libc6-dev kmod iproute2 iputils-ping ethtool
	procps psmisc iptables ca-certificates xz-utils zstd dpkg-dev debhelper
	libelf1 zlib1g)

write_sources() {
	local root=$1 root_suite=$2 kernel_suite=$3
	suite_sources "$("$HOST_DIR/roots/mirror.sh" main)" "$root_suite" "$kernel_suite" \
		"$("$HOST_DIR/roots/mirror.sh" security)" >"$root/etc/apt/sources.list"
	# sid and experimental Release files are expired on this archive.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/90cls-bpf-test"
	echo 'APT::Install-Recommends "false";' >>"$root/etc/apt/apt.conf.d/90cls-bpf-test"
}

# Kernel packages are resolved at build time from the suite's meta packages.
install_kernel() {
	local root=$1 root_suite=$2 kernel_suite=$3 target=()
	[ "$kernel_suite" = "$root_suite" ] || target=(-t "$kernel_suite")
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "${target[@]}" \
		linux-image-amd64 linux-headers-amd64
}

# bullseye-security's index has listed a bpftool its pool does not carry:
# fall back to the release's own bpftool rather than fail or go without.
install_bpftool() {
	local root=$1 root_suite=$2
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 bpftool ||
		in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "bpftool/$root_suite"
}

install_packages() {
	local root=$1 root_suite=$2 kernel_suite=$3
	in_root "$root" apt-get update -q || return 1
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "${PACKAGES[@]}" || return 1
	install_bpftool "$root" "$root_suite" || return 1
	install_kernel "$root" "$root_suite" "$kernel_suite" || return 1
	in_root "$root" sh -c 'command -v dkms && command -v bpftool && command -v tc' || return 1
}

# write_record LINE ROOT ROOT_SUITE KERNEL_SUITE RECIPE: resolve the line
# once.
write_record() {
	local line=$1 root=$2 root_suite=$3 kernel_suite=$4 recipe=$5 krel file
	file=$(record_file "$line")
	krel=$(find "$root/lib/modules/" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V)
	[ -n "$krel" ] || die "no kernel installed in $root"
	[ "$(wc -l <<<"$krel")" = 1 ] || [ -z "${BASE_LINE:-}" ] ||
		die "more than one kernel left in the debug root $root: ${krel//$'\n'/ }"
	krel=$(tail -n 1 <<<"$krel")
	{
		printf 'K_LINE=%q\n' "$line"
		printf 'K_ROOT_SUITE=%q\nK_KERNEL_SUITE=%q\n' "$root_suite" "$kernel_suite"
		printf 'K_ROOT=%q\nK_KREL=%q\n' "$root" "$krel"
		printf 'K_MODDIR=%q\n' "$(module_dir_in "$root" "$krel")"
		printf 'K_RECIPE=%q\n' "$recipe"
	} >"$file.new"
	mv "$file.new" "$file"
}

build_root() {
	local line=$1 root=$2 root_suite=$3 kernel_suite=$4 tmp log
	tmp=$root.new
	log=$CACHE_DIR/logs/root-$line.log
	rm -rf "$tmp"
	mkdir -p "$CACHE_DIR/debootstrap/$root_suite"
	progress "$line" root "debootstrap $root_suite into $tmp"
	debootstrap --variant=minbase --components=main --cache-dir="$CACHE_DIR/debootstrap/$root_suite" \
		"$root_suite" "$tmp" "$("$HOST_DIR/roots/mirror.sh" main)" >"$log" 2>&1 ||
		die "debootstrap $root_suite failed: see $log"
	write_sources "$tmp" "$root_suite" "$kernel_suite"
	# Kernel postinst hooks would build an initramfs we never use (the VM
	# boots with its own tiny one); keep them fast.
	in_root "$tmp" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >/dev/null
	ln -sf /bin/true "$tmp/usr/sbin/update-initramfs"
	progress "$line" root "installing packages and the $kernel_suite kernel"
	install_packages "$tmp" "$root_suite" "$kernel_suite" >>"$log" 2>&1 ||
		die "package installation failed: see $log"
	rm -rf "$root"
	mv "$tmp" "$root"
}

# build_debug_root LINE ROOT BASE_RECORD KERNEL_DIR: a copy of the base
# line's root, the debug kernel's image and headers packages installed and
# the distro kernel's purged (so that dkms builds for the debug kernel only;
# what only that kernel pulled in stays, as in the base root).
build_debug_root() {
	local line=$1 root=$2 base_record=$3 kdir=$4 tmp log base_root base_krel
	tmp=$root.new
	log=$CACHE_DIR/logs/root-$line.log
	base_root=$(record_get "$base_record" K_ROOT)
	base_krel=$(record_get "$base_record" K_KREL)
	rm -rf "$tmp"
	progress "$line" root "copying the root of $BASE_LINE into $tmp"
	cp -a "$base_root" "$tmp"
	mkdir -p "$tmp/var/tmp/debug-kernel"
	cp "$kdir"/*.deb "$tmp/var/tmp/debug-kernel/"
	progress "$line" root "installing $(cd "$kdir" && echo ./*.deb) in place of $base_krel"
	{
		in_root "$tmp" sh -c 'dpkg -i /var/tmp/debug-kernel/*.deb' &&
			in_root "$tmp" apt-get purge -y -q -o Dpkg::Use-Pty=0 linux-image-amd64 \
				linux-headers-amd64 "linux-image-$base_krel" "linux-headers-$base_krel"
	} >"$log" 2>&1 || die "installing the debug kernel failed: see $log"
	# depmod's output and files the kernel's hooks made stay after the purge
	rm -rf "$tmp$(record_get "$base_record" K_MODDIR)" "$tmp/var/tmp/debug-kernel"
	rm -rf "$root"
	mv "$tmp" "$root"
}

main() {
	local line=${1:?usage: make-root.sh LINE} root root_suite kernel_suite recipe base_record kdir
	exec 3>&1 1>&2
	read -r root_suite kernel_suite < <(kernel_suites "$line")
	recipe=$RECIPE_VERSION BASE_LINE=''
	if is_debug_line "$line"; then
		BASE_LINE=$(debug_base "$line")
		base_record=$("$HOST_DIR/roots/make-root.sh" "$BASE_LINE")
		kdir=$(DEBUG_BASE_RECORD=$base_record "$HOST_DIR/roots/make-debug-kernel.sh" \
			${DEBUG_KERNEL_CACHED:+--cached} "$BASE_LINE")
		recipe="$RECIPE_VERSION base=$(sha256sum <"$base_record" | cut -c1-12) kernel=$(cat "$kdir/key")"
	fi
	root=$(root_dir "$line")
	mkdir -p "$CACHE_DIR/roots" "$CACHE_DIR/logs"
	exec 9>"$root.lock"
	flock 9
	if [ "$(record_get "$(record_file "$line")" K_RECIPE 2>/dev/null)" = "$recipe" ] &&
		[ -d "$root" ]; then
		progress "$line" root "cached: $root"
	else
		rm -f "$(record_file "$line")"
		if [ -n "$BASE_LINE" ]; then
			build_debug_root "$line" "$root" "$base_record" "$kdir"
		else
			build_root "$line" "$root" "$root_suite" "$kernel_suite"
		fi
		write_record "$line" "$root" "$root_suite" "$kernel_suite" "$recipe"
		progress "$line" root "ready: $root"
	fi
	record_file "$line" >&3
}

main "$@"; exit
