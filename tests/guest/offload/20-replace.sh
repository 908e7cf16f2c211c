#!/usr/bin/env bash
# cls_bpf replace with offload: same-flag replaces for every flag set, an
# offloaded program replaced by another offloaded one, replaces that change
# the skip flags refused.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

same_flag_replaces() {
	local dev=$1 flags
	step "replace with unchanged flags"
	for flags in '' skip_sw skip_hw; do
		# shellcheck disable=SC2086 # empty flags must vanish
		expect_ok "add (${flags:-no flags})" \
			bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $flags
		# shellcheck disable=SC2086
		expect_ok "replace (${flags:-no flags})" \
			bpf_filter "$dev" replace prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $flags
		if [ "$flags" = skip_hw ]; then
			expect_not_in_hw "$dev" "replaced skip_hw filter"
		else
			expect_in_hw "$dev" "replaced ${flags:-flag-less} filter"
		fi
		expect_ok "delete (${flags:-no flags})" bpf_filter "$dev" del prio 1 handle 1 bpf
	done
}

bad_flag_replaces() {
	local dev=$1 old new
	step "replace with changed flags is refused"
	for old in none skip_sw skip_hw; do
		# shellcheck disable=SC2046
		expect_ok "add ($old)" bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $(flag_arg "$old")
		for new in none skip_sw skip_hw; do
			[ "$new" != "$old" ] || continue
			# shellcheck disable=SC2046
			expect_err "replace $old -> $new refused" '' \
				bpf_filter "$dev" replace prio 1 handle 1 bpf pinned "$PIN_DIR/sw" da $(flag_arg "$new")
		done
		show_filters "$dev"
		check "the $old filter is still installed" test "$(filter_count "$dev")" = 1
		expect_ok "delete ($old)" bpf_filter "$dev" del prio 1 handle 1 bpf
	done
}

flag_arg() { [ "$1" = none ] || printf '%s\n' "$1"; }

offloaded_replace() {
	local dev=$1 id=$2 a b
	step "replace an offloaded program with another offloaded program"
	a=$(prog_load bound-a "$dev") || fail "cannot load bound-a"
	b=$(prog_load bound-b "$dev") || fail "cannot load bound-b"
	log "device-bound programs: a=$a b=$b"
	expect_ok "skip_sw filter with a" bpf_filter "$dev" add prio 1 handle 1 bpf pinned "$PIN_DIR/bound-a" da skip_sw
	check "netdevsim holds a" test "$(offloaded_id "$dev")" = "$a"
	expect_ok "replace with b (skip_sw)" bpf_filter "$dev" replace prio 1 handle 1 bpf pinned "$PIN_DIR/bound-b" da skip_sw
	expect_in_hw "$dev" "replaced skip_sw filter"
	check "dump shows b" test "$(dump_id "$OUT")" = "$b"
	check "netdevsim holds b" test "$(offloaded_id "$dev")" = "$b"
	check "a is no longer loaded in netdevsim" test "$(bound_prog_field "$id" "$a" loaded)" = N
	check "b is loaded in netdevsim" test "$(bound_prog_field "$id" "$b" loaded)" = Y
	expect_ok "delete" bpf_filter "$dev" del prio 1 handle 1 bpf
	check "netdevsim released b" test "$(offloaded_id "$dev")" = 0
}

main() {
	local dev
	single_port_setup 2
	dev=$PORT
	prog_load sw >/dev/null || fail "cannot load the non-bound program"
	expect_ok "enable hw-tc-offload" ethtool -K "$dev" hw-tc-offload on
	# Non-bound programs are offloaded too, so skip_sw works with them.
	dfs_set "$dev" bpf_tc_non_bound_accept Y
	same_flag_replaces "$dev"
	bad_flag_replaces "$dev"
	dfs_set "$dev" bpf_tc_non_bound_accept N
	offloaded_replace "$dev" 2
	pass
}

main "$@"
