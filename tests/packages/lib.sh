#!/usr/bin/env bash
# Helpers for the package tests (sourced, not executed): scratch copies of
# the test chroots and pass/fail bookkeeping.
# shellcheck source=tests/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
# shellcheck source=tests/lib/chroot-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/chroot-env.sh"

PKGTEST_DIR=$CACHE_DIR/pkgtest
# Bump when clean_dkms_state changes: cached base copies are then taken again.
BASE_RECIPE=2
NAME=cls-bpf
PASSED=0
FAILED=0

# line_of RELEASE: the kernel line whose chroot is RELEASE.
line_of() { awk -v r="$1" '$2 == r { print $1; exit }' "$KERNELS_LIST"; }

# pass|fail RELEASE STAGE MESSAGE: one progress line and a tally.
pass() { PASSED=$((PASSED + 1)); progress "$1" "$2" "ok: $3"; }
fail() { FAILED=$((FAILED + 1)); progress "$1" "$2" "FAILED: $3"; }

# check RELEASE STAGE MESSAGE CMD...: pass or fail on CMD's status.
check() {
	local release=$1 stage=$2 message=$3
	shift 3
	if "$@"; then pass "$release" "$stage" "$message"; else fail "$release" "$stage" "$message"; fi
}

# stamp ROOT: what identifies a chroot's build (recipe and kernel).
stamp() { cat "$1/etc/cls-bpf-test-recipe" "$1/etc/cls-bpf-test-kernel" 2>/dev/null; }

# Drop any cls-bpf the VM harness left in the shared chroot: the package
# tests/build/deb-install.sh installs and any dkms registration from source.
clean_dkms_state() {
	local root=$1 dir
	remove_cls_bpf_copies "$root"
	rm -rf "$root/var/lib/dkms/cls-bpf"
	rm -f "$root"/lib/modules/*/updates/dkms/cls_bpf.ko*
	for dir in "$root"/lib/modules/*/; do
		[ -e "$dir/modules.dep" ] || continue
		in_root "$root" depmod -a "$(basename "$dir")" 2>/dev/null || true
	done
}

# safe_rm DIR: remove a chroot copy, never while anything is mounted in it.
safe_rm() {
	local dir=$1
	umount_api "$dir"
	if findmnt -rn -o TARGET | grep -q "^$dir/"; then
		die "$dir still has mounts; not removing it"
	fi
	rm -rf "$dir"
}

# base_copy RELEASE: our pristine copy of the shared chroot, taken under
# its lock (the VM harness and make-chroot.sh use the same lock) and only
# when the shared chroot was rebuilt since. The shared chroot is only read.
base_copy() {
	local release=$1 line src base
	line=$(line_of "$release")
	src=$(chroot_dir "$line")
	base=$PKGTEST_DIR/base/$release
	if [ ! -d "$src" ] || [ ! -s "$src/etc/cls-bpf-test-recipe" ]; then
		"$REPO_DIR/tests/lib/make-chroot.sh" "$line" >&2
	fi
	if [ -n "$(stamp "$base")" ] && [ "$(stamp "$base")" = "$(stamp "$src")" ] &&
		[ "$(cat "$base/etc/cls-bpf-pkgtest-base" 2>/dev/null)" = "$BASE_RECIPE" ]; then
		return 0
	fi
	progress "$release" copy "copying $src (waits for its lock)" >&2
	mkdir -p "$PKGTEST_DIR/base"
	(
		exec 9>"$src.lock"
		flock -w 1800 9 || die "timed out waiting for $src.lock"
		safe_rm "$base"
		safe_rm "$base.new"
		cp -a --one-file-system --reflink=auto "$src" "$base.new"
	)
	(
		mount_api "$base.new"
		trap 'umount_api "$base.new"' EXIT
		clean_dkms_state "$base.new"
	)
	echo "$BASE_RECIPE" >"$base.new/etc/cls-bpf-pkgtest-base"
	mv "$base.new" "$base"
}

# scratch_copy RELEASE [NAME]: a fresh work copy of the base copy, in $ROOT
# ($PKGTEST_DIR/NAME, default RELEASE).
scratch_copy() {
	local release=$1
	ROOT=$PKGTEST_DIR/${2:-$1}
	base_copy "$release"
	safe_rm "$ROOT"
	cp -a --one-file-system --reflink=auto "$PKGTEST_DIR/base/$release" "$ROOT"
}

# start_release KIND RELEASE [NAME]: an empty results directory in $OUT and a
# scratch copy of RELEASE's chroot in $ROOT with its API filesystems mounted;
# $KERNEL is the chroot's kernel. The caller unmounts with umount_api "$ROOT".
start_release() {
	local kind=$1 release=$2
	OUT=$CACHE_DIR/results/packages/$kind/$release
	rm -rf "$OUT"
	mkdir -p "$OUT"
	progress "$release" copy "scratch copy of the $release chroot"
	scratch_copy "$release" "${3:-$release}"
	# shellcheck disable=SC2034 # read by deb.sh and rpm.sh
	KERNEL=$(cat "$ROOT/etc/cls-bpf-test-kernel")
	mount_api "$ROOT"
	check "$release" copy "the copy holds no cls-bpf (package, dkms, /usr/src)" no_cls_bpf "$ROOT"
}

# no_cls_bpf ROOT: dpkg, dkms and /usr/src know nothing of ours.
no_cls_bpf() {
	local root=$1
	! cls_bpf_package_present "$root" &&
		[ -z "$(in_root "$root" dkms status cls-bpf 2>/dev/null)" ] &&
		! compgen -G "$root/usr/src/cls-bpf-*" >/dev/null
}

# installed_for ROOT VERSION KERNEL: dkms says installed and modinfo finds
# our module (with our version) under updates/dkms. A kernel with headers but
# no image (no modules.dep to look names up in) is checked by file.
installed_for() {
	local root=$1 version=$2 kernel=$3 path
	in_root "$root" dkms status -m "$NAME" -v "$version" -k "$kernel" | grep -q ': installed' || return 1
	if [ -e "$root/lib/modules/$kernel/modules.dep" ]; then
		path=$(in_root "$root" modinfo -k "$kernel" -n cls_bpf 2>/dev/null) || return 1
	else
		path=$(compgen -G "$root/lib/modules/$kernel/updates/dkms/cls_bpf.ko*" | head -n 1) || return 1
		path=${path#"$root"}
	fi
	[[ $path == */updates/dkms/cls_bpf.ko* ]] || return 1
	[ "$(in_root "$root" modinfo -F version "$path")" = "$version" ]
}

# in_tree_for ROOT KERNEL: the kernel's own module is the one modinfo finds.
in_tree_for() {
	local path
	path=$(in_root "$1" modinfo -k "$2" -n cls_bpf 2>/dev/null) || return 1
	[[ $path == */kernel/net/sched/cls_bpf.ko* ]]
}

nothing_left() {
	local root=$1
	! compgen -G "$root/usr/src/$NAME-*" >/dev/null &&
		[ ! -e "$root/var/lib/dkms/$NAME" ] &&
		! compgen -G "$root/lib/modules/*/updates/dkms/cls_bpf.ko*" >/dev/null
}

# install_window_probe ROOT KERNEL...: put a wrapper in place of dkms (so
# that maintainer scripts, rpm scriptlets and kernel hooks all go through it)
# that records, around every dkms call, whether each kernel has a DKMS
# cls_bpf on disk. remove_window_probe puts dkms back.
install_window_probe() {
	local root=$1
	shift
	mv "$root/usr/sbin/dkms" "$root/usr/sbin/dkms.window-probe"
	cat >"$root/usr/sbin/dkms" <<PROBE
#!/bin/sh
state() {
	for k in $*; do
		if ls /lib/modules/\$k/updates/dkms/cls_bpf.ko* >/dev/null 2>&1; then
			printf '%s=yes ' "\$k"; else printf '%s=no ' "\$k"; fi
	done
}
echo "before dkms \$*: \$(state)" >>/tmp/dkms-window.log
rc=0
/usr/sbin/dkms.window-probe "\$@" || rc=\$?
echo "after dkms \$*: \$(state)" >>/tmp/dkms-window.log
exit \$rc
PROBE
	chmod +x "$root/usr/sbin/dkms"
	: >"$root/tmp/dkms-window.log"
}

remove_window_probe() { mv "$1/usr/sbin/dkms.window-probe" "$1/usr/sbin/dkms"; }

# no_window ROOT OLD NEW: no record shows a kernel without the module, and
# the old version's removal comes after the new version's install.
no_window() {
	local log=$1/tmp/dkms-window.log old=$2 new=$3 first_install first_remove
	[ -s "$log" ] && ! grep -q '=no' "$log" || return 1
	first_install=$(grep -n "^before dkms install -m $NAME -v $new" "$log" | head -n 1 | cut -d: -f1)
	first_remove=$(grep -n "^before dkms remove -m $NAME -v $old" "$log" | head -n 1 | cut -d: -f1)
	[ -n "$first_install" ] && [ -n "$first_remove" ] && [ "$first_install" -lt "$first_remove" ]
}

# summary: the last line, and the exit status.
summary() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}
