#!/usr/bin/env bash
# Kernel upgrade, booted: in a run overlay of a line's root, go back to the
# release's previous kernel ABI (its linux-image and linux-headers packages,
# which the release's archive keeps; the current ABI and the metapackages
# purged), install cls-bpf-dkms, then upgrade the kernel with apt as a fleet
# does (linux-image-amd64 and linux-headers-amd64 pull in the current ABI;
# dkms builds for it through its kernel hooks) and purge the old one. Then
# boot the new kernel (tests/guest/kernel-upgrade): its first bpf filter
# loads our module.
# With --package-upgrade, the same boot also installs a newer cls-bpf-dkms
# with apt while a filter holds the module (tests/guest/package-upgrade):
# dpkg ends clean and the old module runs until it can be unloaded; the next
# boot runs the new version (tests/guest/package-upgrade-reboot). dkms then
# compiles inside the VM under TCG: 17 minutes on 6.1 beside another VM here,
# over 30 on 5.10 (VM_TEST_TIMEOUT, default here 1800 s per test).
# Usage: kernel-upgrade.sh [--package-upgrade] LINE...   (make check and
# make check-kernel-upgrade pass tools/dev.mk's KERNEL_UPGRADE_LINES)
set -euo pipefail
# shellcheck source=tests/host/packages/lib.sh
. "$(dirname "$0")/lib.sh"

WORK=$PKGTEST_DIR/kernel-upgrade
GUEST_DEB_DIR=/opt/cls-bpf-upgrade

build_inputs() {
	build_two_versions build-deb.sh
	"$HOST_DIR/inputs/build.sh" "$WORK/inputs" >"$WORK/inputs.log" 2>&1 ||
		die "guest inputs not built: $WORK/inputs.log"
}

# A kernel release: its ABI (6.1.0-57, 6.12.118+deb13), then its flavour.
ABI_RE='[0-9.]+(-[0-9]+|\+deb[0-9.]+)'

# previous_abi ROOT KERNEL: the newest kernel release of KERNEL's flavour
# below KERNEL whose image and headers packages are in ROOT's archive lists,
# or nothing.
previous_abi() {
	local root=$1 kernel=$2 flavour rel
	flavour=$(sed -E "s/^$ABI_RE-//" <<<"$kernel")
	in_root "$root" apt-cache pkgnames linux-image- | sed 's/^linux-image-//' |
		grep -xE "$ABI_RE-$flavour" | { cat; echo "$kernel"; } | sort -uVr | sed -n "/^$kernel\$/,\$p" | tail -n +2 |
		while read -r rel; do
			in_root "$root" apt-cache show "linux-headers-$rel" >/dev/null 2>&1 || continue
			echo "$rel"
			break
		done
}

# The kernel releases with an image installed in ROOT.
kernels_in() { compgen -G "$1/boot/vmlinuz-*" | sed 's|.*/vmlinuz-||' | sort -V; }

# has_headers ROOT KERNEL (build is an absolute link: resolve it in ROOT).
has_headers() { in_root "$1" test -e "/lib/modules/$2/build/include"; }

# only_kernel ROOT KERNEL NEW: KERNEL, not NEW, is ROOT's one kernel, with headers.
only_kernel() {
	[ -n "$2" ] && [ "$2" != "$3" ] && [ "$(kernels_in "$1" | wc -l)" = 1 ] && has_headers "$1" "$2"
}

# shellcheck disable=SC2317 # called through check
nothing_of_ours_for() {
	local status
	status=$(in_root "$1" dkms status -m "$NAME") || return 1
	! compgen -G "$1/lib/modules/$2/updates/dkms/cls_bpf.ko*" >/dev/null && ! grep -qF "$2" <<<"$status"
}

# stage_old_kernel LINE ROOT NEW OUT: ROOT runs the previous ABI only ($OLD).
stage_old_kernel() {
	local line=$1 root=$2 new=$3 out=$4 old
	old=$(previous_abi "$root" "$new")
	if [ -z "$old" ]; then
		fail "$line" old-kernel "no kernel ABI older than $new in the archive lists"
		return 1
	fi
	progress "$line" old-kernel "apt-get install linux-image-$old linux-headers-$old; purge $new"
	{
		apt_in "$root" install "linux-image-$old" "linux-headers-$old" &&
			apt_in "$root" purge "linux-image-$new" "linux-headers-$new"
	} >"$out/old-kernel.log" 2>&1 || true
	OLD=$(kernels_in "$root" | tail -n 1)
	if only_kernel "$root" "$OLD" "$new"; then
		pass "$line" old-kernel "one kernel left, an older ABI with headers: $OLD"
	else
		fail "$line" old-kernel "not one older kernel with headers: $(kernels_in "$root" | tr '\n' ' ')"
		return 1
	fi
}

stage_package() {
	local line=$1 root=$2 out=$3
	cp "$WORK/cls-bpf-dkms_${V1}_all.deb" "$root/tmp/"
	progress "$line" package "apt install ./cls-bpf-dkms_${V1}_all.deb (kernel $OLD)"
	apt_in "$root" install "./tmp/cls-bpf-dkms_${V1}_all.deb" >"$out/package.log" 2>&1 || true
	check "$line" package "$NAME/$V1 installed for $OLD" installed_for "$root" "$V1" "$OLD"
}

stage_kernel_upgrade() {
	local line=$1 root=$2 new=$3 out=$4
	progress "$line" upgrade "apt-get install linux-image-amd64 linux-headers-amd64 (to $new); purge $OLD"
	apt_in "$root" install linux-image-amd64 linux-headers-amd64 >"$out/kernel-upgrade.log" 2>&1 || true
	check "$line" upgrade "kernel $new installed with its headers" has_headers "$root" "$new"
	check "$line" upgrade "$NAME/$V1 built and installed for $new by the dkms kernel hook" \
		installed_for "$root" "$V1" "$new"
	apt_in "$root" purge "linux-image-$OLD" "linux-headers-$OLD" >"$out/purge-old.log" 2>&1 || true
	check "$line" upgrade "old kernel $OLD purged: nothing of ours left for it" \
		nothing_of_ours_for "$root" "$OLD"
}

# boot NAME VERSION SUITE...: boot the run's root (the kernel image from the
# overlay, as apt installed it) with the suites, our module expected at
# VERSION.
boot() {
	local line=$1 name=$2 version=$3 suites=() s
	shift 3
	for s in "$@"; do suites+=("$REPO_DIR/tests/guest/$s"); done
	check "$line" "$name" "booted $KERNEL: $* passed ($OUT/$name)" \
		env VM_EXPECTED_VERSION="$version" VM_TEST_TIMEOUT="${VM_TEST_TIMEOUT:-1800}" \
		VM_TIMEOUT="${VM_TIMEOUT:-2400}" \
		VM_TEST_ENV="TEST_UPGRADE_OLD_KREL=$OLD TEST_UPGRADE_DEB=$GUEST_DEB_DIR/cls-bpf-dkms_${V2}_all.deb TEST_UPGRADE_VERSION=$V2 TEST_UPGRADE_OLD_VERSION=$V1" \
		"$HOST_DIR/vm/boot.sh" "$RUN" "$OUT/$name" --inputs "$WORK/inputs" "${suites[@]}"
}

test_line() {
	local line=$1 root out
	start_line kernel-upgrade "$line"
	root=$ROOT out=$OUT
	if [ "$(record_get "$RUN" K_KERNEL_SUITE)" != "$(record_get "$RUN" K_ROOT_SUITE)" ]; then
		fail "$line" old-kernel "its kernel is not its root suite's: not a kernel-upgrade line"
	elif stage_old_kernel "$line" "$root" "$KERNEL" "$out"; then
		stage_package "$line" "$root" "$out"
		stage_kernel_upgrade "$line" "$root" "$KERNEL" "$out"
		record_add "$RUN" K_ROOT "$root"
		if [ "$PACKAGE_UPGRADE" = 1 ]; then
			mkdir -p "$root$GUEST_DEB_DIR"
			cp "$WORK/cls-bpf-dkms_${V2}_all.deb" "$root$GUEST_DEB_DIR/"
			boot "$line" boot1 "$V1" kernel-upgrade package-upgrade
			boot "$line" boot2 "$V2" package-upgrade-reboot
		else
			boot "$line" boot1 "$V1" kernel-upgrade
		fi
	fi
	end_line
}

main() {
	local lines=() line
	PACKAGE_UPGRADE=0
	if [ "${1:-}" = --package-upgrade ]; then
		PACKAGE_UPGRADE=1
		shift
	fi
	lines=("$@")
	[ $# -gt 0 ] || die "usage: kernel-upgrade.sh [--package-upgrade] LINE..."
	mkdir -p "$PKGTEST_DIR"
	exec 8>"$PKGTEST_DIR/kernel-upgrade.lock"
	flock 8
	progress all build "cls-bpf-dkms .debs ($(make -s -C "$REPO_DIR" version) and a bumped one), guest inputs"
	build_inputs
	for line in "${lines[@]}"; do
		test_line "$line"
	done
	progress all logs "$CACHE_DIR/results/packages/kernel-upgrade/LINE/"
	summary
}

{ main "$@"; exit; }
