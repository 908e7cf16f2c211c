#!/usr/bin/env bash
# shellcheck shell=bash
# Helpers of the tests that hold an action-module autoload open (sourced
# after lib.sh by 53-handle-window and 55-failed-new-prio): change() drops
# rtnl while the core autoloads an action module; a modprobe stand-in keeps
# that window open until the test releases it.

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
# shellcheck disable=SC2120 # callers pass a command or none
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
	# shellcheck disable=SC2119 # the default command
	open_window
	expect_fail "$what of the half-built handle 0x42" timeout 60 "$@"
	close_window
}

