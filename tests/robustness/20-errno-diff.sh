#!/usr/bin/env bash
# Differential fuzzing: the same seed, stateless (every accepted request is
# undone at once, so case K's answer depends on K alone), against our
# module and then against the kernel's in-tree cls_bpf in the same boot.
# Every case whose errno differs is listed; each must match a reviewed line
# of errno-diff.allowed (an upstream fix or a documented extra check), so a
# new difference fails. Needs our module: baseline mode skips.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

TARGETS=(--target vb:ingress --target vb:egress --target block:10 --mirred-dev vb)
ALLOWED=$(dirname "$0")/errno-diff.allowed

setup() {
	setup_pair 161
	tcn "$NSB" qdisc add dev vb clsact
	ip -n "$NSB" link add d1 type dummy
	ip -n "$NSB" link set d1 up
	tcn "$NSB" qdisc add dev d1 ingress_block 10 clsact
}

# run_stateless WHO: one stateless run into $TEST_OUTDIR/WHO.log.
run_stateless() {
	local count=$((3000 * SCALE))
	step "$1: stateless fuzzer, seed $SEED, $count requests"
	fuzz "$NSB" --stateless --seed "$SEED" --count "$count" "${TARGETS[@]}" \
		--log "$TEST_OUTDIR/$1.log" || fail "stateless fuzzer against $1"
}

# Lines "case ours-errno intree-errno ours-msg | intree-msg" for every case
# whose errno differs.
differences() {
	awk '
	function field(line, key,   s) {
		s = substr(line, index(line, " " key "=") + length(key) + 2)
		return key == "msg" ? substr(s, 2, index(substr(s, 2), "\"") - 1) : substr(s, 1, index(s, " ") - 1)
	}
	FNR == NR { e[$2] = field($0, "errno"); m[$2] = field($0, "msg"); next }
	($2 in e) && e[$2] != field($0, "errno") {
		printf "%s %s %s %s | %s\n", $2, e[$2], field($0, "errno"), m[$2], field($0, "msg")
	}' "$TEST_OUTDIR/ours.log" "$TEST_OUTDIR/intree.log"
}

# allowed OURS INTREE MSG: a line "OURS INTREE ERE # reason" matches.
allowed() {
	local ours intree ere
	while read -r ours intree ere; do
		[[ -z "$ours" || "$ours" == \#* ]] && continue
		ere=${ere%%  #*}
		[[ "$ours" == "$1" && "$intree" == "$2" ]] && grep -Eq -- "$ere" <<<"$3" && return 0
	done <"$ALLOWED"
	return 1
}

main() {
	local k ours intree msg n=0 bad=0
	robust_start
	is_ours || skip "the differential run compares our module with the in-tree one"
	setup
	load_our_cls_bpf
	run_stateless ours
	load_intree_cls_bpf
	run_stateless intree
	load_our_cls_bpf

	step "cases whose errno differs (ours vs in-tree)"
	while read -r k ours intree msg; do
		n=$((n + 1))
		if allowed "$ours" "$intree" "$msg"; then
			echo "allowed: case $k ours=$ours in-tree=$intree: $msg"
		else
			echo "NEW DIFFERENCE: case $k ours=$ours in-tree=$intree: $msg"
			bad=$((bad + 1))
		fi
	done < <(differences)
	log "$n cases differ, $bad not in $(basename "$ALLOWED")"
	[[ $bad -eq 0 ]] || fail "$bad errno differences nobody reviewed (list them in $ALLOWED with the reason)"
	rm -f "$TEST_OUTDIR"/*.log
	pass
}

main "$@"
