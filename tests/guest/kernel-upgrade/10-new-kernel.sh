#!/usr/bin/env bash
# After "apt-get install linux-image-amd64 linux-headers-amd64" upgraded the
# root from an older kernel ABI (our package installed before), the machine
# boots the new kernel, and its first bpf filter loads our module, which dkms
# built for that kernel through its kernel hooks.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

main() {
	log "running $KREL; before the upgrade: ${TEST_UPGRADE_OLD_KREL:?}"
	[ "$KREL" != "$TEST_UPGRADE_OLD_KREL" ] || fail "booted the old kernel"
	check "our module for $KREL on disk (updates/dkms, $TEST_MODULE_VERSION)" on_disk "$TEST_MODULE_VERSION"
	module_loaded && fail "cls_bpf loaded before any filter (the harness unloads it)"
	add_filter || fail "tc filter add ... bpf failed"
	check "the first bpf filter loaded our module ($(loaded_version))" \
		test "$(loaded_version)" = "$TEST_MODULE_VERSION"
	check "the loaded module is built for $KREL" \
		test "$(modinfo -F vermagic "$(modinfo -n cls_bpf)" | cut -d' ' -f1)" = "$KREL"
	del_filter
	pass
}

main "$@"
