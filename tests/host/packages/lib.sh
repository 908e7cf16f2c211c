#!/usr/bin/env bash
# Helpers for the package tests (sourced, not executed): each test runs in a
# run overlay of a kernel line's root (tests/host/lib.sh), discarded at the
# end, and keeps pass/fail bookkeeping.
# shellcheck source=tests/host/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# shellcheck disable=SC2034 # read by deb.sh and rpm.sh
PKGTEST_DIR=$CACHE_DIR/pkgtest
NAME=cls-bpf
PASSED=0
FAILED=0

# pass|fail LINE STAGE MESSAGE: one progress line and a tally.
pass() { PASSED=$((PASSED + 1)); progress "$1" "$2" "ok: $3"; }
fail() { FAILED=$((FAILED + 1)); progress "$1" "$2" "FAILED: $3"; }

# check LINE STAGE MESSAGE CMD...: pass or fail on CMD's status.
check() {
	local line=$1 stage=$2 message=$3
	shift 3
	if "$@"; then pass "$line" "$stage" "$message"; else fail "$line" "$stage" "$message"; fi
}

# build_two_versions TOOL: an empty $WORK with the packages tools/TOOL
# builds (build-deb.sh, build-rpm.sh) at the current version ($V1) and at a
# bumped one ($V2), for the upgrade tests.
build_two_versions() {
	rm -rf "$WORK"
	mkdir -p "$WORK"
	V1=$(make -s -C "$REPO_DIR" version)
	V2=$V1.1
	DIST_DIR=$WORK "$REPO_DIR/tools/$1" >/dev/null
	DIST_DIR=$WORK "$REPO_DIR/tools/$1" "$V2" >/dev/null
}

# apt_in ROOT ARGS...: apt-get in ROOT, unattended.
apt_in() {
	local root=$1
	shift
	in_root "$root" apt-get -y -q -o Dpkg::Use-Pty=0 "$@"
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

# On exit, whatever happens: each function a test registered with at_exit
# FUNCTION, then the run overlay of start_line.
AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }
on_exit() {
	local f
	for f in "${AT_EXIT[@]}"; do "$f" || true; done
	(end_line) || true
}
trap on_exit EXIT

# start_line KIND LINE: an empty results directory in $OUT and a run overlay
# of LINE's root (its record in $RUN) in $ROOT; $KERNEL is the root's
# kernel. The caller ends with end_line.
start_line() {
	local kind=$1 line=$2 record
	OUT=$CACHE_DIR/results/packages/$kind/$line
	rm -rf "$OUT"
	mkdir -p "$OUT"
	record=$("$HOST_DIR/roots/make-root.sh" "$line") || die "no root for $line"
	RUN=$(run_up "$line" "pkg-$kind") || die "no run overlay for $line"
	progress "$line" overlay "a run overlay of the $line root"
	# shellcheck disable=SC2034 # read by deb.sh and rpm.sh
	ROOT=$(record_get "$RUN" K_RUN_ROOT) KERNEL=$(record_get "$record" K_KREL)
	check "$line" overlay "the root holds no cls-bpf (package, dkms, /usr/src)" no_cls_bpf "$ROOT"
}

end_line() {
	[ -n "${RUN:-}" ] || return 0
	run_down "$RUN"
	RUN=
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
