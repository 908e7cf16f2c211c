#!/usr/bin/env bash
# Install the host tools the tests need from the machine's own (bookworm)
# apt sources. Idempotent: installs only what is missing.
# Usage: host-setup.sh [--check | --bench]   (--check: only fail if something
# is missing; --bench: also what make bench needs)
set -euo pipefail

HOST_PACKAGES=(qemu-system-x86 qemu-utils debootstrap busybox-static cpio xz-utils zstd
	kmod shellcheck perl clang llvm libbpf-dev libelf-dev zlib1g-dev libzstd-dev
	gcc make binutils dpkg-dev debhelper dh-dkms lintian rpm rpmlint
	reprepro gnupg openssl python3 autopkgtest autodep8 uidmap)

# autopkgtest's unshare backend maps root's subordinate ids (unshare
# --map-auto, util-linux 2.38 as in bookworm): a range of 65536 for root in
# /etc/subuid and /etc/subgid, after every range already there.
has_subids() { grep -q '^root:' /etc/subuid 2>/dev/null && grep -q '^root:' /etc/subgid 2>/dev/null; }

# free_range FILE: "START:65536" past the highest range in FILE (at least 1000000).
free_range() {
	awk -F: 'BEGIN { end = 1000000 } NF == 3 && $2 + $3 > end { end = $2 + $3 }
		END { printf "%d:65536\n", end }' "$1" 2>/dev/null || echo 1000000:65536
}

add_subids() {
	local f range
	for f in /etc/subuid /etc/subgid; do
		grep -q '^root:' "$f" 2>/dev/null && continue
		range=$(free_range "$f")
		echo "root:$range" >>"$f"
		echo "host-setup: subordinate ids for root ($range) in $f"
	done
}

missing_packages() {
	local p
	for p in "${HOST_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

main() {
	local missing
	[ "${1:-}" != --bench ] || HOST_PACKAGES+=(gnuplot-nox)
	mapfile -t missing < <(missing_packages)
	has_subids || [ "${1:-}" = --check ] || add_subids
	if [ "${#missing[@]}" = 0 ] && has_subids; then
		echo "host-setup: all host packages present"
		return 0
	fi
	if [ "${1:-}" = --check ]; then
		has_subids || missing+=("(subordinate ids for root)")
		echo "host-setup: missing ${missing[*]}: run 'make host-setup'" >&2
		return 1
	fi
	echo "host-setup: installing ${missing[*]}"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null
	echo "host-setup: done"
}

main "$@"
