#!/usr/bin/env bash
# A request that creates a new prio and then fails must not take other
# filters with it. The add of handle 0x42 in the new prio 2 waits in the
# act_gact autoload with rtnl dropped; meanwhile handle 7 is added to the
# same prio (the core already linked the new prio's table). The autoload
# fails, so the core removes the table it created: with handle 7 in it, it
# must stay (the in-tree module has no delete_empty(): handle 7 vanishes).
# A flower request on that prio fails without touching it either.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/window-lib.sh
. "$(dirname "$0")/window-lib.sh"

main() {
	local dump
	lib_start
	trap on_window_exit EXIT
	setup_pair 155
	tcn "$NSB" qdisc add dev vb clsact
	step "handle 1 in prio 1 (autoloads cls_bpf before modprobe is replaced)"
	add_da "$NSB" vb da_ok ingress prio 1 handle 1
	unload act_gact
	install_hook

	step "prio 2 handle 0x42 with gact waits in the autoload; handle 7 joins prio 2"
	open_window tc -n "$NSB" filter add dev vb ingress prio 2 protocol all handle 0x42 \
		bpf bytecode '1,6 0 0 0' action gact ok
	tcn "$NSB" filter add dev vb ingress prio 2 protocol all handle 7 bpf obj "$(obj da_shot)" \
		sec classifier da || fail "add of handle 7 in the window failed"
	close_window
	restore_modprobe
	SAVED_MODPROBE=''

	step "handle 7 survived the failed request"
	dump=$(filters "$NSB" vb ingress)
	echo "$dump"
	assert_match "prio 2 handle 7 still there" "$dump" 'pref 2 bpf .*handle 0x7 '
	assert_no_match "no handle 0x42" "$dump" 'handle 0x42 '
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 2
	step "a flower filter on prio 2 is refused and takes nothing with it"
	# flower requests run without rtnl; the core then asks the bpf table
	# whether it is empty (delete_empty) without rtnl too.
	expect_fail "flower on the bpf prio" tc -n "$NSB" filter add dev vb ingress prio 2 \
		protocol all flower action drop
	assert_match "flower's answer" "$LAST_ERR" 'kind does not match'
	assert_eq "filters on vb ingress" "$(filter_count "$NSB" vb ingress)" 2

	step "and classifies: prio 1 passes on to prio 2's SHOT"
	tcn "$NSB" filter replace dev vb ingress prio 1 handle 1 bpf obj "$(obj da_unspec)" \
		sec classifier da
	ping_fails "$NSA" "$ADDR_B"
	pass
}

main "$@"
