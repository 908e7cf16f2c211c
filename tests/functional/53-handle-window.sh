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

HOOK_DIR=/run/cls-bpf-window
MODPROBE_PATH=/proc/sys/kernel/modprobe
SAVED_MODPROBE=''
ADD_PID=''
ADD_CMD=()

restore_modprobe() {
	[[ -z "$SAVED_MODPROBE" ]] || echo "$SAVED_MODPROBE" >"$MODPROBE_PATH"
	touch "$HOOK_DIR/release" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called by the EXIT trap
on_window_exit() {
	local rc=$?
	trap - EXIT
	restore_modprobe
	cleanup_netns
	exit "$rc"
}

# The kernel runs this instead of modprobe. For act_gact (requested as
# "act_gact", or "net-act-gact" on 6.12+) and the ife metadata modules it
# says so and waits (at most 60 s) until the test releases it; then act_gact
# fails and ife-meta-* loads. Anything else goes to the real modprobe at once.
install_hook() {
	local real
	real=$(cat "$MODPROBE_PATH")
	mkdir -p "$HOOK_DIR"
	cat >"$HOOK_DIR/modprobe" <<EOF
#!/bin/sh
case " \$* " in
*" act_gact "* | *" net-act-gact "* | *" ife-meta-"*) ;;
*) exec $real "\$@" ;;
esac
touch $HOOK_DIR/started
i=0
while [ ! -e $HOOK_DIR/release ] && [ \$i -lt 600 ]; do
	sleep 0.1
	i=\$((i + 1))
done
case " \$* " in
*" ife-meta-"*) exec $real "\$@" ;;
esac
exit 1
EOF
	chmod 755 "$HOOK_DIR/modprobe"
	SAVED_MODPROBE=$real
	echo "$HOOK_DIR/modprobe" >"$MODPROBE_PATH"
	log "modprobe is now $HOOK_DIR/modprobe (was $real)"
}

# unload MODULE: it must not be loaded, or there is nothing to autoload;
# earlier tests' actions are freed asynchronously with their namespaces.
unload() {
	local i
	for ((i = 0; i < 120; i++)); do
		[[ -d /sys/module/$1 ]] || return 0
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	fail "$1 stays loaded (refcount $(cat "/sys/module/$1/refcnt" 2>/dev/null))"
}

# wait_for_file FILE: bounded poll (60 s).
wait_for_file() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ -e "$1" ]] && return 0
		sleep 0.2
	done
	return 1
}

# open_window [CMD...]: start CMD (default: add handle 0x42 with a gact
# action) in the background and return once the kernel waits in
# request_module().
open_window() {
	rm -f "$HOOK_DIR/started" "$HOOK_DIR/release" "$HOOK_DIR/add.out"
	ADD_CMD=("$@")
	[[ ${#ADD_CMD[@]} -gt 0 ]] || ADD_CMD=(tc -n "$NSB" filter add dev vb ingress prio 1
		handle 0x42 bpf bytecode '1,6 0 0 0' action gact ok)
	echo "+ (background) ${ADD_CMD[*]}"
	"${ADD_CMD[@]}" >"$HOOK_DIR/add.out" 2>&1 &
	ADD_PID=$!
	wait_for_file "$HOOK_DIR/started" ||
		fail "the request never reached request_module(): $(cat "$HOOK_DIR/add.out")"
	log "window open: the request waits in request_module() with rtnl dropped"
}

# release_window: let the stand-in finish; ADD_RC is the request's exit status.
ADD_RC=''
release_window() {
	local i
	ADD_RC=0
	touch "$HOOK_DIR/release"
	for ((i = 0; i < 300; i++)); do
		kill -0 "$ADD_PID" 2>/dev/null || break
		sleep 0.2
	done
	kill -0 "$ADD_PID" 2>/dev/null && fail "the background request is stuck (rtnl held by a dead task?)"
	wait "$ADD_PID" || ADD_RC=$?
	ADD_PID=''
	echo "background request: exit $ADD_RC: $(cat "$HOOK_DIR/add.out")"
}

# close_window: release the stand-in; the add must then fail cleanly.
close_window() {
	release_window
	assert_ne "exit status of the add without act_gact" "$ADD_RC" 0
	assert_match "the add's error" "$(cat "$HOOK_DIR/add.out")" 'Failed to load TC action module|No such file'
}

# in_window WHAT CMD...: run CMD (bounded) while the window is open; it must
# fail. Its stderr is left in LAST_ERR.
in_window() {
	local what=$1
	shift
	open_window
	expect_fail "$what of the half-built handle 0x42" timeout 60 "$@"
	close_window
}

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
