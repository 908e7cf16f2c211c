#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the kernel-upgrade, package-upgrade and package-upgrade-reboot
# suites (tests/host/packages/kernel-upgrade.sh boots the root after an apt
# kernel upgrade, and with --package-upgrade again after a package upgrade
# inside the VM), on top of the guest's lib.sh. Environment from the host:
#   TEST_UPGRADE_OLD_KREL  the kernel the root had before the upgrade
#   TEST_UPGRADE_DEB       the newer cls-bpf-dkms .deb, inside the root
#   TEST_UPGRADE_VERSION   its version
#   TEST_UPGRADE_OLD_VERSION  the version it replaces
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KREL=$(uname -r)
DEV=cbu0

loaded_version() { cat /sys/module/cls_bpf/version 2>/dev/null || echo none; }

# A dummy device with clsact and one cBPF filter (accept all): the first
# filter of kind bpf autoloads whichever cls_bpf modprobe finds.
add_filter() {
	ip link add "$DEV" type dummy && ip link set "$DEV" up && tc qdisc add dev "$DEV" clsact &&
		tc filter add dev "$DEV" ingress protocol all prio 1 handle 1 bpf bytecode '1,6 0 0 4294967295,'
}

del_filter() { ip link del "$DEV"; }

# on_disk: the module modinfo resolves for the running kernel: ours, under
# updates/dkms, with version $1.
on_disk() {
	local path
	path=$(modinfo -n cls_bpf) || return 1
	log "modinfo -n cls_bpf: $path ($(modinfo -F version "$path"))"
	[[ $path == */lib/modules/"$KREL"/updates/dkms/cls_bpf.ko* ]] &&
		[ "$(modinfo -F version "$path")" = "$1" ]
}

# dpkg_clean VERSION: cls-bpf-dkms VERSION installed ("ii"), nothing
# half-installed (dpkg --audit says nothing).
# shellcheck disable=SC2016 # a dpkg-query format
dpkg_clean() {
	[ -z "$(dpkg --audit)" ] &&
		[ "$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' cls-bpf-dkms)" = "ii  $1" ]
}
