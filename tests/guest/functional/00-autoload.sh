#!/usr/bin/env bash
# The first "tc filter add ... bpf" loads cls_bpf by itself (request_module
# of "cls_bpf"): no manual modprobe anywhere. Must be the first test.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# The harness loads the in-tree copy for its baseline proof; start unloaded.
ensure_unloaded() {
	module_loaded || return 0
	if is_ours; then
		fail "cls_bpf is already loaded before the first test"
	fi
	log "baseline: unloading the module the harness loaded for its proof"
	rmmod cls_bpf || fail "cannot unload cls_bpf before the autoload test"
}

check_loaded_copy() {
	local path
	path=$(modinfo -n cls_bpf)
	log "modinfo -n cls_bpf: $path"
	assert_ge "cls_bpf refcnt" "$(cat /sys/module/cls_bpf/refcnt)" 1
	if is_ours; then
		assert_match "module file" "$path" '/updates/dkms/cls_bpf\.ko'
		[[ -r /sys/module/cls_bpf/version ]] || fail "our module has no version"
		if [[ -n "${TEST_MODULE_VERSION:-}" && "$TEST_MODULE_VERSION" != none ]]; then
			assert_eq "module version" "$(cat /sys/module/cls_bpf/version)" "$TEST_MODULE_VERSION"
		fi
	else
		assert_match "module file" "$path" '/kernel/net/sched/cls_bpf\.ko'
	fi
	# In-tree modules without MODULE_VERSION have no srcversion.
	if [[ -r /sys/module/cls_bpf/srcversion ]]; then
		assert_eq "loaded srcversion" "$(cat /sys/module/cls_bpf/srcversion)" \
			"$(modinfo -F srcversion cls_bpf)"
	fi
}

main() {
	lib_start
	step "cls_bpf is not loaded"
	ensure_unloaded
	module_loaded && fail "cls_bpf still loaded"

	step "first bpf filter loads the module"
	setup_pair 100
	tcn "$NSB" qdisc add dev vb clsact
	add_da "$NSB" vb da_ok ingress prio 1 handle 1
	module_loaded || fail "cls_bpf not loaded after tc filter add"
	check_loaded_copy

	step "the filter is there and passes traffic"
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 1
	local before
	before=$(in_echos "$NSB")
	ping_ok "$NSA" "$ADDR_B"
	assert_eq "echo requests seen by B" "$(($(in_echos "$NSB") - before))" "$PING_COUNT"
	assert_ge "packets through vb clsact" "$(qdisc_stat "$NSB" vb clsact pkt)" "$PING_COUNT"
	pass
}

main "$@"
