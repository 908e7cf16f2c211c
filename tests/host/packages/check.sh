#!/usr/bin/env bash
# make check-packages: the Debian package test (signed repository, install,
# upgrade, removal) on every Debian release of tests/kernels.list, the
# package's autopkgtest on bookworm's root and the RPM scriptlet test on
# bookworm's root, with one total at the end.
# Usage: check.sh   (DEB_LINES, AUTOPKGTEST_LINES, RPM_LINE override the defaults)
set -euo pipefail
# shellcheck source=tests/host/packages/lib.sh
. "$(dirname "$0")/lib.sh"

# run_part SCRIPT ARGS...: run one test script, add its "N passed, N failed".
run_part() {
	local log last
	log=$(mktemp)
	bash "$@" | tee "$log" || true
	last=$(tail -n 1 "$log")
	rm -f "$log"
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		PASSED=$((PASSED + BASH_REMATCH[1]))
		FAILED=$((FAILED + BASH_REMATCH[2]))
	else
		FAILED=$((FAILED + 1))
		progress all check "FAILED: $1 ended without a result line"
	fi
}

main() {
	local deb_lines=()
	[ -z "${DEB_LINES:-}" ] || read -r -a deb_lines <<<"$DEB_LINES"
	run_part "$HOST_DIR/packages/deb.sh" "${deb_lines[@]}"
	# shellcheck disable=SC2086 # a list of lines (none: the script's default)
	run_part "$HOST_DIR/packages/autopkgtest.sh" ${AUTOPKGTEST_LINES:-}
	run_part "$HOST_DIR/packages/rpm.sh" "${RPM_LINE:-6.1}"
	summary
}

main "$@"
