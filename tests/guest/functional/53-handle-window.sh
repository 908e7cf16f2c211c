#!/usr/bin/env bash
# A filter that change() is still building must be invisible. change() drops
# rtnl while the core autoloads an action module; a get, delete or replace
# of the same handle in that window must answer as for a missing filter and
# never touch the half-built one (it used to oops in cls_bpf_dump(), or
# unlink/free a filter that was never linked).
# act_ife drops rtnl to load a metadata module and then carries on: a
# replace whose old filter was deleted meanwhile must start over, not link
# its filter in place of the deleted one (the in-tree module oopses there,
# so baseline mode leaves that case out).
# The windows are held open by a modprobe stand-in that waits for the test.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=SCRIPTDIR/window-lib.sh
. "$(dirname "$0")/window-lib.sh"

filter_table_intact() {
	local dump
	dump=$(filters "$NSB" vb ingress)
	echo "$dump"
	assert_eq "filters after the window" "$(filter_count "$NSB" vb ingress)" 1
	assert_match "handle 1 still there" "$dump" 'handle 0x1 '
	assert_no_match "no handle 0x42" "$dump" 'handle 0x42 '
	expect_fail "get handle 0x42 afterwards" \
		tc -n "$NSB" filter get dev vb ingress prio 1 protocol all handle 0x42 bpf
	ping_ok "$NSA" "$ADDR_B"
}

# A replace of handle 1 waits for an ife metadata module with rtnl dropped;
# meanwhile handle 1 is deleted. The replace must then start over and
# create handle 1 anew.
replace_after_delete() {
	local dump
	if ! is_ours; then
		log "baseline: not run: the in-tree module links its filter in place of the deleted one (oops)"
		return 0
	fi
	modprobe act_ife || fail "modprobe act_ife"
	unload act_meta_mark
	open_window tc -n "$NSB" filter replace dev vb ingress prio 1 protocol all handle 1 \
		bpf bytecode '1,6 0 0 4294967295' action ife encode allow mark dst 02:00:00:00:00:01
	tcn "$NSB" filter del dev vb ingress prio 1 protocol all handle 1 bpf ||
		fail "delete of handle 1 in the window failed"
	release_window
	assert_eq "exit status of the replace" "$ADD_RC" 0
	dump=$(filters "$NSB" vb ingress)
	echo "$dump"
	assert_eq "filters after the replace" "$(filter_count "$NSB" vb ingress)" 1
	assert_match "handle 1 created anew" "$dump" 'handle 0x1 '
	assert_match "with the ife action" "$dump" 'ife encode'
	tcn "$NSB" filter del dev vb ingress prio 1 protocol all handle 1 bpf
	assert_eq "filters at the end" "$(filter_count "$NSB" vb ingress)" 0
}

main() {
	lib_start
	trap on_window_exit EXIT
	setup_pair 153
	tcn "$NSB" qdisc add dev vb clsact
	step "handle 1 in prio 1 (autoloads cls_bpf before modprobe is replaced)"
	tcn "$NSB" filter add dev vb ingress prio 1 handle 1 bpf bytecode '1,6 0 0 4294967295'
	unload act_gact
	install_hook

	step "get in the window"
	in_window get tc -n "$NSB" filter get dev vb ingress prio 1 protocol all handle 0x42 bpf
	assert_match "get's answer" "$LAST_ERR" 'Specified filter handle not found'
	filter_table_intact

	step "delete in the window"
	in_window delete tc -n "$NSB" filter del dev vb ingress prio 1 protocol all handle 0x42 bpf
	assert_match "delete's answer" "$LAST_ERR" 'Specified filter handle not found'
	filter_table_intact

	step "replace in the window"
	in_window replace tc -n "$NSB" filter replace dev vb ingress prio 1 protocol all handle 0x42 \
		bpf bytecode '1,6 0 0 4294967295'
	assert_match "replace's answer" "$LAST_ERR" 'No space left on device|already in use'
	if is_ours; then assert_match "replace's message" "$LAST_ERR" 'Filter handle is already in use'; fi
	filter_table_intact

	step "replace of handle 1 while act_ife loads a metadata module, handle 1 deleted meanwhile"
	replace_after_delete

	restore_modprobe
	SAVED_MODPROBE=''
	pass
}

main "$@"
