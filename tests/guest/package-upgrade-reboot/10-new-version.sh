#!/usr/bin/env bash
# The boot after the package upgrade: the harness proved the new version is
# the module on disk and loads (module proof); its first filter loads it.
# shellcheck source=SCRIPTDIR/../kernel-upgrade/lib.sh
. "$(dirname "$0")/../kernel-upgrade/lib.sh"

main() {
	log "running $KREL"
	check "$TEST_MODULE_VERSION on disk for $KREL" on_disk "$TEST_MODULE_VERSION"
	check "the replaced version ${TEST_UPGRADE_OLD_VERSION:?} is gone from dkms" \
		test ! -e "/var/lib/dkms/cls-bpf/$TEST_UPGRADE_OLD_VERSION"
	add_filter || fail "tc filter add ... bpf failed"
	check "the first bpf filter loaded $TEST_MODULE_VERSION ($(loaded_version))" \
		test "$(loaded_version)" = "$TEST_MODULE_VERSION"
	del_filter
	pass
}

main "$@"
