#!/usr/bin/env bash
# The package's declared test (debian/control: Testsuite: autopkgtest-pkg-dkms)
# run by Debian's autopkgtest in a release root, as Debian CI runs it:
# autodep8 generates the test (dkms's dkms-autopkgtest: install the package,
# dkms build and install for every kernel with headers). The test breaks its
# testbed, which autopkgtest allows only on a backend that can revert, so it
# runs on the unshare backend from a tarball of the line's root.
# Usage: autopkgtest.sh [LINE...]   (default: 6.1; lines whose dkms is 3.x,
# the first with a per-kernel summary in dkms-autopkgtest)
set -euo pipefail
# shellcheck source=tests/host/packages/lib.sh
. "$(dirname "$0")/lib.sh"

WORK=$PKGTEST_DIR/autopkgtest

# root_tarball LINE: a tarball of LINE's root (cached; remade when the root's
# record is newer), on stdout its path.
root_tarball() {
	local line=$1 record root tarball
	record=$("$HOST_DIR/roots/make-root.sh" "$line") || return 1
	root=$(record_get "$record" K_ROOT)
	tarball=$CACHE_DIR/autopkgtest/$line.tar.zst
	if [ ! -s "$tarball" ] || [ "$record" -nt "$tarball" ]; then
		progress "$line" tarball "a tarball of the root for autopkgtest-virt-unshare" >&2
		mkdir -p "${tarball%/*}"
		if ! tar --numeric-owner -C "$root" -c . | zstd -q -T0 -3 -o "$tarball.new" -f; then
			rm -f "$tarball.new"
			return 1
		fi
		mv "$tarball.new" "$tarball"
	fi
	echo "$tarball"
}

passed_status() { [ "$1" = 0 ] || [ "$1" = 8 ]; }

# passed SUMMARY LOG KERNEL: autopkgtest's summary has the one test, passed,
# and dkms-autopkgtest's own summary passes our build for KERNEL ("I: PASS
# KERNEL" from dkms 3.0, "I: PASS cls-bpf/VERSION KERNEL" from 3.2).
passed() {
	[ "$(wc -l <"$1")" = 1 ] && grep -qE '^dkms-autopkgtest +PASS' "$1" &&
		grep -qxF -e "I: PASS $3" -e "I: PASS $NAME/$V $3" "$2"
}

test_line() {
	local line=$1 record suite kernel tarball out rc=0
	out=$CACHE_DIR/results/packages/autopkgtest/$line
	rm -rf "$out"
	mkdir -p "$out"
	tarball=$(root_tarball "$line") || { fail "$line" autopkgtest "no root tarball"; return 0; }
	record=$(record_file "$line")
	suite=$(record_get "$record" K_ROOT_SUITE) kernel=$(record_get "$record" K_KREL)
	progress "$line" autopkgtest "autopkgtest cls-bpf-dkms_$V.dsc -- unshare ($suite root)"
	# The testbed installs the test's dependencies from the archive: its
	# lists first, so that it fetches what the archive holds today. The
	# unshare backend unpacks the root under TMPDIR (in the cache, not /tmp).
	rm -rf "$CACHE_DIR/autopkgtest/tmp"
	mkdir -p "$CACHE_DIR/autopkgtest/tmp"
	TMPDIR=$CACHE_DIR/autopkgtest/tmp autopkgtest --output-dir "$out/out" \
		--setup-commands='apt-get update' "$WORK/cls-bpf-dkms_$V.dsc" \
		"$WORK/cls-bpf-dkms_${V}_all.deb" -- unshare --release "$suite" --arch amd64 \
		--tarball "$tarball" >"$out/autopkgtest.log" 2>&1 || rc=$?
	rm -rf "$CACHE_DIR/autopkgtest/tmp"
	# 8: "all non-superficial tests were skipped": autodep8 declares this
	# test superficial, so 8 is how autopkgtest ends when it passes.
	check "$line" autopkgtest "autopkgtest exit status 0 or 8 (got $rc)" passed_status "$rc"
	check "$line" autopkgtest "dkms-autopkgtest PASS, our module built and installed for $kernel" \
		passed "$out/out/summary" "$out/autopkgtest.log" "$kernel"
}

main() {
	local lines=("$@") line
	[ $# -gt 0 ] || lines=(6.1)
	mkdir -p "$PKGTEST_DIR"
	exec 8>"$PKGTEST_DIR/autopkgtest.lock"
	flock 8
	rm -rf "$WORK"
	mkdir -p "$WORK"
	progress all build "cls-bpf-dkms source package and .deb"
	DIST_DIR=$WORK "$REPO_DIR/tools/build-deb.sh" >/dev/null
	V=$(make -s -C "$REPO_DIR" version)
	[ -f "$WORK/cls-bpf-dkms_$V.dsc" ] || die "no source package in $WORK"
	for line in "${lines[@]}"; do
		test_line "$line"
	done
	progress all logs "$CACHE_DIR/results/packages/autopkgtest/LINE/autopkgtest.log"
	summary
}

main "$@"
