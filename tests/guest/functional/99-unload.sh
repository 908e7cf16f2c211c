#!/usr/bin/env bash
# rmmod cls_bpf is refused while a filter exists and works once the last
# one is gone; the next filter loads the module again. Must be the last test.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# unload_eventually: namespaces and filters are torn down asynchronously.
unload_eventually() {
	local i
	for ((i = 0; i < 120; i++)); do
		rmmod cls_bpf 2>/dev/null && {
			log "ok: rmmod cls_bpf succeeded"
			return 0
		}
		sleep 0.5
	done
	lsmod | grep cls_bpf >&2 || true
	fail "rmmod cls_bpf still refused with no filter left"
}

with_filter() {
	setup_pair 199
	tcn "$NSB" qdisc add dev vb clsact
	add_da "$NSB" vb da_shot ingress prio 1
	module_loaded || fail "cls_bpf not loaded after adding a filter"
	ping_fails "$NSA" "$ADDR_B"
}

main() {
	lib_start

	step "refused while a filter exists"
	with_filter
	expect_fail "rmmod with a filter" rmmod cls_bpf
	module_loaded || fail "cls_bpf gone although rmmod failed"
	ping_fails "$NSA" "$ADDR_B"

	step "works once the namespace (and the filter) is gone"
	cleanup_netns
	unload_eventually
	module_loaded && fail "cls_bpf still loaded"

	step "the next filter autoloads it again, and it unloads again"
	with_filter
	cleanup_netns
	unload_eventually
	pass
}

main "$@"
