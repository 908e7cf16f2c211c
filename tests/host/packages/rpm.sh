#!/usr/bin/env bash
# RPM scriptlet test: install, upgrade and erase the dkms-cls-bpf RPMs with
# the host's rpm into a run overlay of a kernel line's root (rpm --root runs
# the %post/%preun scriptlets chrooted there, against that release's dkms
# and kernel headers). Dependencies are not resolved (--nodeps): the root
# has dkms and headers from Debian packages, not from RPMs.
# Usage: rpm.sh [LINE]   (default: 6.1, bookworm)
set -euo pipefail
# shellcheck source=tests/host/packages/lib.sh
. "$(dirname "$0")/lib.sh"

WORK=$PKGTEST_DIR/rpm

build_rpms() {
	build_two_versions build-rpm.sh
	RPM1=$(find "$WORK" -name "dkms-cls-bpf-$V1-*.noarch.rpm")
	RPM2=$(find "$WORK" -name "dkms-cls-bpf-$V2-*.noarch.rpm")
	if [ ! -f "$RPM1" ] || [ ! -f "$RPM2" ]; then die "RPMs not built in $WORK"; fi
}

# rpmlint with the documented filters only: no errors, no warnings.
lint_rpms() {
	local log=$CACHE_DIR/results/packages/rpm/rpmlint.log spec=$WORK/dkms-cls-bpf.spec
	mkdir -p "${log%/*}"
	# The spec as built (its version filled in by tools/build-rpm.sh).
	(cd "$WORK" && rpm2cpio "${RPM1%.noarch.rpm}.src.rpm" | cpio -i --quiet dkms-cls-bpf.spec)
	[ -s "$spec" ] || die "no dkms-cls-bpf.spec in ${RPM1%.noarch.rpm}.src.rpm"
	rpmlint -r "$REPO_DIR/rpm/dkms-cls-bpf.rpmlintrc" "$RPM1" "${RPM1%.noarch.rpm}.src.rpm" \
		"$spec" >"$log" 2>&1 || true
	grep -q ' 0 errors, 0 warnings' "$log"
}

rpm_in() {
	local root=$1
	shift
	with_root_mounts "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		rpm --root "$root" --nodeps "$@"
}

rpm_gone() { ! rpm --root "$1" -q dkms-cls-bpf >/dev/null 2>&1; }

test_line() {
	local line=$1 root kernel out
	start_line rpm "$line"
	root=$ROOT kernel=$KERNEL out=$OUT
	rpm --root "$root" --initdb
	rpm -qp --scripts "$RPM1" >"$out/scriptlets.txt"

	progress "$line" rpm-inst "rpm -i $(basename "$RPM1")"
	rpm_in "$root" -i "$RPM1" >"$out/install.log" 2>&1 || true
	check "$line" rpm-inst "%post: $NAME/$V1 installed for $kernel" installed_for "$root" "$V1" "$kernel"

	install_window_probe "$root" "$kernel"
	progress "$line" rpm-upg "rpm -U $(basename "$RPM2")"
	rpm_in "$root" -U "$RPM2" >"$out/upgrade.log" 2>&1 || true
	remove_window_probe "$root"
	cp "$root/tmp/dkms-window.log" "$out/dkms-window.log"
	check "$line" rpm-upg "$NAME/$V2 installed for $kernel" installed_for "$root" "$V2" "$kernel"
	check "$line" rpm-upg "%preun of $V1 removed it from DKMS" test ! -e "$root/var/lib/dkms/$NAME/$V1"
	check "$line" rpm-upg "no window without the module (dkms-window.log)" no_window "$root" "$V1" "$V2"

	progress "$line" rpm-erase "rpm -e dkms-cls-bpf"
	rpm_in "$root" -e dkms-cls-bpf >"$out/erase.log" 2>&1 || true
	check "$line" rpm-erase "package erased" rpm_gone "$root"
	check "$line" rpm-erase "in-tree module back for $kernel" in_tree_for "$root" "$kernel"
	check "$line" rpm-erase "nothing left (/usr/src, /var/lib/dkms, updates/dkms)" nothing_left "$root"
	end_line
}

main() {
	local line=${1:-6.1}
	mkdir -p "$PKGTEST_DIR"
	exec 8>"$PKGTEST_DIR/rpm.lock"
	flock 8
	progress all build "dkms-cls-bpf RPMs (current and bumped version)"
	build_rpms
	check all rpmlint "rpmlint (documented filters only): no errors or warnings" lint_rpms
	test_line "$line"
	summary
}

main "$@"
