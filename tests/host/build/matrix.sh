#!/usr/bin/env bash
# make check-build: the build stage alone for each kernel line (default: all
# of tests/kernels.list): our .deb built once, then per line an overlay of the
# line's root, the .deb installed through apt and dkms with the build checks
# of build/build.sh (warnings, recorded probe results, classify calls), and
# the overlay discarded.
# Usage: matrix.sh [--update-probe-results] [LINE...]
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"

# build_line LINE DEB: one line's root, run overlay and build stage.
build_line() {
	local line=$1 deb=$2 record run rc=0
	record=$("$HOST_DIR/roots/make-root.sh" "$line") || return 1
	[ -s "$record" ] || return 1
	run=$(run_up "$line" build) || return 1
	"$HOST_DIR/build/build.sh" "$run" "$deb" "$CACHE_DIR/results/build/$line" || rc=1
	run_down "$run"
	return "$rc"
}

main() {
	local lines=() line deb passed=0 failed=0
	if [ "${1:-}" = --update-probe-results ]; then
		export BUILD_UPDATE_PROBES=1
		shift
	fi
	if [ $# -gt 0 ]; then lines=("$@"); else mapfile -t lines < <(kernel_lines); fi
	mkdir -p "$CACHE_DIR/logs"
	deb=$(DIST_DIR=$CACHE_DIR/results/build/deb "$REPO_DIR/tools/build-deb.sh" 2>"$CACHE_DIR/logs/build-deb.log" | tail -n 1) ||
		die "the .deb did not build: see $CACHE_DIR/logs/build-deb.log"
	for line in "${lines[@]}"; do
		if build_line "$line" "$deb"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	echo "build: $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

main "$@"
