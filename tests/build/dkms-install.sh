#!/usr/bin/env bash
# Install this repository's module into the test chroot of one kernel line
# the way a user does: source under /usr/src, then dkms add, build, install.
# Leaves the DKMS make.log and probe results under $CACHE_DIR/results/build/LINE.
# Usage: dkms-install.sh LINE
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=tests/lib/chroot-env.sh
. "$(dirname "$0")/../lib/chroot-env.sh"

package_version() { make -s -C "$REPO_DIR" version; }

# The DKMS source tree as the packages install it (the Makefile's file list).
copy_source() {
	local root=$1 version=$2
	rm -rf "$root/usr/src/cls-bpf-$version"
	make -s -C "$REPO_DIR" dkms-install DESTDIR="$root" VERSION="$version" >/dev/null
}

# DKMS keeps the build log per kernel; the probe results are printed in it.
save_results() {
	local root=$1 version=$2 kernel=$3 out=$4 log
	log=$root/var/lib/dkms/cls-bpf/$version/$kernel/$(uname -m)/log/make.log
	[ -f "$log" ] || log=$root/var/lib/dkms/cls-bpf/$version/build/make.log
	mkdir -p "$out"
	cp "$log" "$out/make.log" 2>/dev/null || : >"$out/make.log"
	sed -n 's/^ *cls-bpf probe: *//p' "$out/make.log" >"$out/probes.txt"
	echo "$kernel" >"$out/kernel-release"
}

main() {
	local line=${1:?usage: dkms-install.sh LINE} root kernel version out rc=0
	"$REPO_DIR/tests/lib/make-chroot.sh" "$line"
	root=$(chroot_dir "$line")
	kernel=$(chroot_kernel_release "$line")
	version=$(package_version)
	out=$CACHE_DIR/results/build/$line
	rm -rf "$out"
	claim_chroot_without_cls_bpf "$root"
	copy_source "$root" "$version"
	progress "$line" dkms "add, build and install cls-bpf/$version for $kernel"
	in_root "$root" dkms add "cls-bpf/$version" >/dev/null &&
		in_root "$root" dkms build "cls-bpf/$version" -k "$kernel" &&
		in_root "$root" dkms install "cls-bpf/$version" -k "$kernel" || rc=$?
	save_results "$root" "$version" "$kernel" "$out"
	if [ "$rc" != 0 ]; then
		progress "$line" dkms "FAILED (exit $rc); make.log: $out/make.log"
		tail -n 40 "$out/make.log" 2>/dev/null >&2 || true
		return 1
	fi
	progress "$line" dkms "installed: $(in_root "$root" modinfo -k "$kernel" -n cls_bpf)"
}

main "$@"
