#!/usr/bin/env bash
# A newer cls-bpf-dkms installed with apt while a bpf filter holds the
# module: dpkg ends clean, the new module is on disk, the old one keeps
# running (and cannot be unloaded) until the filter is gone; then the next
# filter loads the new one. The next boot (package-upgrade-reboot) runs it too.
# shellcheck source=SCRIPTDIR/../kernel-upgrade/lib.sh
. "$(dirname "$0")/../kernel-upgrade/lib.sh"

main() {
	local old=$TEST_MODULE_VERSION new=${TEST_UPGRADE_VERSION:?} rc=0
	add_filter || fail "tc filter add ... bpf failed"
	[ "$(loaded_version)" = "$old" ] || fail "loaded $(loaded_version), expected $old"
	step "apt-get install $TEST_UPGRADE_DEB (dkms builds $new in the guest)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 "${TEST_UPGRADE_DEB:?}" >"$TEST_OUTDIR/apt.log" 2>&1 || rc=$?
	tail -n 15 "$TEST_OUTDIR/apt.log"
	check "apt-get install exited 0 (got $rc)" test "$rc" = 0
	check "dpkg: cls-bpf-dkms $new ii, dpkg --audit empty" dpkg_clean "$new"
	check "$new on disk for $KREL" on_disk "$new"
	check "the running module is still $old" test "$(loaded_version)" = "$old"
	check "rmmod refused while the filter exists" test "$(rmmod cls_bpf 2>&1 >/dev/null; echo $?)" != 0
	step "the filter gone, the old module unloads and the next filter loads $new"
	del_filter
	unload cls_bpf
	add_filter || fail "tc filter add ... bpf failed after the upgrade"
	check "the next filter loaded $new" test "$(loaded_version)" = "$new"
	del_filter
	pass
}

main "$@"
