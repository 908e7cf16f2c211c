#!/usr/bin/env bash
# A dump larger than one netlink message (1,000 classic BPF filters in one
# prio: about 100 KiB, several messages of at most 32 KiB): every filter
# exactly once, newest first, a replaced filter in its old place with its
# new classid; after a delete and an add between two dumps the next dump is
# right as well (ours resumes each message after the last filter sent while
# the table is unchanged, and counts from the head otherwise).
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

N=1000
CBPF='1,6 0 0 4294967295'

# dump_order: the handles of vb's ingress filters in dump order, decimal.
dump_order() {
	local h
	filters "$NSB" vb ingress | grep -o ' handle 0x[0-9a-f]*' | while read -r _ h; do
		echo $((h))
	done
}

# add_all: filters 1..N with explicit handles, through one tc -batch.
add_all() {
	local i
	for ((i = 1; i <= N; i++)); do
		echo "filter add dev vb ingress protocol all prio 1 handle $i bpf bytecode '$CBPF' classid 1:1"
	done | tc_batch "$NSB"
}

# expect_order WHAT EXPECTED...: the dump lists exactly EXPECTED, in order.
expect_order() {
	local what=$1 got want
	shift
	got=$(dump_order | tr '\n' ' ')
	want="$* "
	[[ "$got" == "$want" ]] && { ok "$what: $# filters in order"; return 0; }
	log "first differences (got / want):"
	diff <(tr ' ' '\n' <<<"$got") <(tr ' ' '\n' <<<"$want") | head -n 20
	fail "$what: the dump is not the table"
}

main() {
	lib_start
	setup_pair 161
	tcn "$NSB" qdisc add dev vb clsact

	step "$N filters in one prio: one dump of several messages"
	add_all
	assert_eq "filters" "$(filter_count "$NSB" vb ingress)" "$N"
	# shellcheck disable=SC2046 # one argument per handle
	expect_order "after adding $N" $(seq "$N" -1 1)

	step "a replaced filter keeps its place; a delete and an add between dumps"
	tcn "$NSB" filter replace dev vb ingress protocol all prio 1 handle 500 bpf \
		bytecode "$CBPF" classid 1:7
	tcn "$NSB" filter del dev vb ingress protocol all prio 1 handle 10 bpf
	tcn "$NSB" filter add dev vb ingress protocol all prio 1 bpf bytecode "$CBPF" classid 1:1
	# shellcheck disable=SC2046 # one argument per handle
	expect_order "after replace, delete and add" 10 $(seq "$N" -1 11) $(seq 9 -1 1)
	assert_match "replaced filter's classid" \
		"$(filters "$NSB" vb ingress | grep -E ' handle 0x1f4 ')" 'flowid 1:7'

	step "the table still classifies"
	ping_ok "$NSA" "$ADDR_B"
	pass
}

main "$@"
