#!/usr/bin/env bash
# Where an add's time goes: the raw client adds N filters (kernel-chosen
# handles, one shared program; N: the largest of BENCH_SIZES) to the in-tree
# module and to ours, and the last 1,000 adds are traced with function_graph
# from rtnetlink_rcv_msg(). Only the functions the report splits the time
# into are traced (set_ftrace_filter: every other function runs unhooked,
# so the tracer's cost does not grow with the number of calls a function
# makes): rtnetlink_rcv_msg, tc_new_tfilter, and what of the latter's callees
# a classifier owns (cls_bpf_get, cls_bpf_change) or the core's notification
# (tfilter_notify, where not inlined). Traced times still include a small
# cost per traced call, so the report gives shares, not times.
# Rows: prof MODULE N PATH CALLS USECS (PATH: rtnetlink_rcv_msg,
# tc_new_tfilter, or tc_new_tfilter>FUNCTION).
set -euo pipefail
TEST_NAME=30-add-profile
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DEV=bp0
N=$(tr ' ' '\n' <<<"${BENCH_SIZES:-1000 5000 20000}" | sort -n | tail -n 1)
TRACED=$((N < 1000 ? N : 1000))
TRACING=/sys/kernel/tracing

tracing_up() {
	mountpoint -q "$TRACING" || mount -t tracefs nodev "$TRACING" ||
		skip "no tracefs"
	grep -qw function_graph "$TRACING/available_tracers" ||
		skip "this kernel has no function_graph tracer"
	echo 0 >"$TRACING/tracing_on"
	echo nop >"$TRACING/current_tracer"
	echo rtnetlink_rcv_msg >"$TRACING/set_graph_function"
	echo 0 >"$TRACING/options/funcgraph-irqs"
	echo 32768 >"$TRACING/buffer_size_kb"
	trap profile_exit EXIT
}

tracing_down() {
	echo 0 >"$TRACING/tracing_on"
	echo nop >"$TRACING/current_tracer"
	: >"$TRACING/set_graph_function"
	: >"$TRACING/set_ftrace_filter"
}

# profile_exit: the EXIT trap once tracing is set up: no tracer left behind.
# shellcheck disable=SC2317 # run by the trap
profile_exit() {
	local rc=$?
	tracing_down 2>/dev/null || true
	robust_exit "$rc"
}

# trace_filter: hook only the functions of the split (after the module is
# loaded: the filter names the loaded module's functions), then start the
# tracer: with an empty filter it would hook every function of the kernel.
trace_filter() {
	local f
	echo nop >"$TRACING/current_tracer"
	: >"$TRACING/set_ftrace_filter"
	for f in rtnetlink_rcv_msg tc_new_tfilter cls_bpf_get cls_bpf_change tfilter_notify; do
		echo "$f" >>"$TRACING/set_ftrace_filter" 2>/dev/null ||
			log "not traceable on this kernel (inlined?): $f"
	done
	grep -q '^cls_bpf_change' "$TRACING/set_ftrace_filter" ||
		fail "cannot trace cls_bpf_change: $(cat "$TRACING/set_ftrace_filter")"
	echo function_graph >"$TRACING/current_tracer"
	: >"$TRACING/trace"
}

# graph_sums: function_graph output on stdin; per call path (depth 0, 1, or
# tc_new_tfilter>child at depth 2) "PATH CALLS USECS".
graph_sums() {
	awk '
	{
		i = index($0, "|")
		if (!i) next
		left = substr($0, 1, i - 1)
		right = substr($0, i + 1)
		match(right, /^ */)
		d = (RLENGTH - 2) / 2
		text = substr(right, RLENGTH + 1)
		dur = ""
		if (match(left, /[0-9]+(\.[0-9]+)? us/)) dur = substr(left, RSTART, RLENGTH - 3)
		if (text ~ /\) \{$/) {
			name = text
			sub(/\(\) \{$/, "", name)
			sub(/ \[[A-Za-z0-9_]+\]$/, "", name)
			stack[d] = name
			next
		}
		if (text ~ /^\}/) name = stack[d]
		else if (text ~ /\(\);$/) {
			name = text
			sub(/\(\);$/, "", name)
			sub(/ \[[A-Za-z0-9_]+\]$/, "", name)
		} else next
		if (dur == "" || d > 2 || (d == 2 && stack[1] != "tc_new_tfilter")) next
		path = d == 2 ? stack[1] ">" name : name
		calls[path]++
		usecs[path] += dur
	}
	END { for (p in calls) printf "%s %d %.3f\n", p, calls[p], usecs[p] }'
}

# profile MODULE: N adds into a fresh device, the last TRACED traced.
profile() {
	local module=$1 path calls usecs rows=0
	bench_module "$module"
	ip link add "$DEV" type dummy || fail "add $DEV"
	tc qdisc add dev "$DEV" clsact || fail "clsact on $DEV"
	trace_filter
	BENCH_NL_TRACE=$TRACING/tracing_on BENCH_NL_TRACE_ADDS=$TRACED \
		"$BENCH_NL" phases "$DEV" "$N" kernel >/dev/null || fail "bench-nl add ($module)"
	while read -r path calls usecs; do
		bench_row prof "$module" "$N" "$path" "$calls" "$usecs"
		rows=$((rows + 1))
	done < <(graph_sums <"$TRACING/trace")
	ip link del "$DEV" || fail "delete $DEV"
	[[ "$rows" -gt 0 ]] || fail "no traced calls ($module)"
	# one rtnetlink_rcv_msg per traced add: none lost, nobody else's
	grep -q "^prof	$module	$N	rtnetlink_rcv_msg	$TRACED	" "$BENCH_TSV" ||
		fail "the trace does not hold exactly $TRACED requests ($module): $(grep "^prof	$module	$N	rtnetlink_rcv_msg	" "$BENCH_TSV")"
}

main() {
	local module
	bench_start
	tracing_up
	for module in intree ours; do
		step "$module: $N adds, the last $TRACED traced"
		profile "$module"
	done
	tracing_down
	kernel_log_check "add profile"
	pass
}

main
