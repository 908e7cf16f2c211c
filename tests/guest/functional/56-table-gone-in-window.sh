#!/usr/bin/env bash
# An add whose change() drops rtnl (act_ife loads a metadata module and
# carries on) must not report success for a filter that is gone. While the
# add of handle 2 to prio 1 waits, the table it goes into is unlinked: by a
# delete of the whole prio, then by a flush of the whole hook. The request
# still holds the table, so it outlives the delete, and the filter would be
# published into it and destroyed with it once the request lets go, after
# "tc filter add" said it worked (the in-tree module does just that). The
# add must start over instead and create prio 1 anew. The same when an
# explicitly created chain is flushed or deleted in the window.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/window-lib.sh
. "$(dirname "$0")/window-lib.sh"

# add_while CHAIN UNLINK...: add handle 2 with ife to prio 1 of CHAIN
# (which holds handle 1); run "tc UNLINK" while the add waits for
# act_meta_mark; the add must then succeed and its filter be there, alone.
add_while() {
	local chain=$1 dump
	shift
	tcn "$NSB" filter add dev vb ingress chain "$chain" prio 1 protocol all handle 1 \
		bpf bytecode '1,6 0 0 0'
	unload act_meta_mark
	open_window tc -n "$NSB" filter add dev vb ingress chain "$chain" prio 1 protocol all \
		handle 2 bpf bytecode '1,6 0 0 4294967295' \
		action ife encode allow mark dst 02:00:00:00:00:01
	tcn "$NSB" "$@" || fail "tc $* in the window failed"
	release_window
	assert_eq "exit status of the add" "$ADD_RC" 0
	dump=$(filters "$NSB" vb ingress chain "$chain")
	echo "$dump"
	assert_match "handle 2 is there" "$dump" 'pref 1 bpf .*handle 0x2 '
	assert_match "with the ife action" "$dump" 'ife encode'
	assert_no_match "handle 1 went with its table" "$dump" 'handle 0x1 '
	assert_eq "filters in chain $chain" "$(filter_count "$NSB" vb ingress chain "$chain")" 1
	tcn "$NSB" filter del dev vb ingress chain "$chain" prio 1 protocol all handle 2 bpf
	assert_eq "filters at the end" "$(filter_count "$NSB" vb ingress chain "$chain")" 0
}

main() {
	lib_start
	trap on_window_exit EXIT
	setup_pair 156
	tcn "$NSB" qdisc add dev vb clsact
	modprobe cls_bpf || fail "modprobe cls_bpf"
	modprobe act_ife || fail "modprobe act_ife"
	install_hook

	step "prio 1 deleted while the add of handle 2 waits for an ife metadata module"
	add_while 0 filter del dev vb ingress prio 1

	step "the whole hook flushed while the add of handle 2 waits"
	add_while 0 filter del dev vb ingress

	# An explicitly created chain keeps a reference of its own: the flush
	# must still let the replayed add through (no endless -EAGAIN).
	step "an explicitly created chain flushed while the add waits"
	tcn "$NSB" chain add dev vb ingress chain 3
	add_while 3 filter del dev vb ingress chain 3

	step "that chain deleted while the add waits (the add creates it anew)"
	add_while 3 chain del dev vb ingress chain 3

	restore_modprobe
	SAVED_MODPROBE=''
	pass
}

main "$@"
