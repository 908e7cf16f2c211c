#!/usr/bin/env bash
# make check-packages: the Debian package test on every release and the RPM
# scriptlet test on bookworm, with one total at the end.
# Usage: check.sh   (DEB_RELEASES, RPM_RELEASE override the defaults)
set -euo pipefail
# shellcheck source=tests/packages/lib.sh
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
	local deb_releases
	read -r -a deb_releases <<<"${DEB_RELEASES:-bullseye bookworm trixie sid}"
	run_part "$REPO_DIR/tests/packages/deb.sh" "${deb_releases[@]}"
	run_part "$REPO_DIR/tests/packages/rpm.sh" "${RPM_RELEASE:-bookworm}"
	summary
}

main "$@"
