#!/usr/bin/env bash
# Install the cls-bpf-dkms .deb into the test chroot of one kernel line the way
# a user does (apt install ./cls-bpf-dkms_VERSION_all.deb), replacing any copy
# registered from source, and check that dkms built and installed it for the
# chroot's kernel. Usage: deb-install.sh LINE DEB
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=tests/lib/chroot-env.sh
. "$(dirname "$0")/../lib/chroot-env.sh"

installed_for() {
	local root=$1 kernel=$2
	in_root "$root" dkms status cls-bpf -k "$kernel" | grep -q 'installed' &&
		in_root "$root" modinfo -k "$kernel" -n cls_bpf | grep -q '/updates/dkms/'
}

main() {
	local line=${1:?usage: deb-install.sh LINE DEB} deb=${2:?usage: deb-install.sh LINE DEB}
	local root kernel log
	[ -f "$deb" ] || die "no package at $deb"
	"$REPO_DIR/tests/lib/make-chroot.sh" "$line" >/dev/null
	root=$(chroot_dir "$line")
	kernel=$(chroot_kernel_release "$line")
	log=$CACHE_DIR/logs/deb-install-$line.log
	# No earlier copy: the package of a previous run, or a source registration
	# by dkms-install.sh (same /usr/src path the package ships).
	claim_chroot_without_cls_bpf "$root"
	cp "$deb" "$root/tmp/"
	progress "$line" package "apt install ./$(basename "$deb")"
	if ! in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "/tmp/$(basename "$deb")" \
		>"$log" 2>&1 || ! installed_for "$root" "$kernel"; then
		tail -n 30 "$log" >&2
		progress "$line" package "FAILED: the package did not install cls_bpf for $kernel ($log)"
		return 1
	fi
	rm -f "$root/tmp/$(basename "$deb")"
	progress "$line" package "installed: $(in_root "$root" modinfo -k "$kernel" -n cls_bpf)"
}

main "$@"
