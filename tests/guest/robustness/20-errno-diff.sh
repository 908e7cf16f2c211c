#!/usr/bin/env bash
# Differential fuzzing: the same seed, stateless (every accepted request is
# undone at once, so case K's answer depends on K alone), against our
# module and then against the kernel's in-tree cls_bpf in the same boot.
# Every case whose errno differs is listed; each must match a reviewed line
# of errno-diff.allowed (an upstream fix or a documented extra check), so a
# new difference fails. A second pair of runs does the same on an
# offload-capable netdevsim port, with programs bound to it and to another
# netdevsim device. No request names one action index twice: the in-tree
# module would replay such a request forever (fuzz --distinct-index; the
# case is tests/guest/functional/57-action-index-twice.sh). Needs our module:
# baseline mode skips.
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

# run_stateless LOG NS ARGS...: one stateless run in namespace NS ("" for
# the initial one, where netdevsim ports live) into $TEST_OUTDIR/LOG.log.
run_stateless() {
	local name=$1 ns=$2 count=$((3000 * SCALE)) cmd=("$FUZZ")
	shift 2
	[[ -z "$ns" ]] || cmd=(fuzz "$ns")
	step "$name: stateless fuzzer, seed $SEED, $count requests"
	"${cmd[@]}" --stateless --distinct-index --seed "$SEED" --count "$count" "$@" \
		--log "$TEST_OUTDIR/$name.log" || fail "stateless fuzzer, run $name"
}

# run_pair NAME NS ARGS...: the same stateless run against our module and
# the in-tree one; the logs are NAME-ours.log and NAME-intree.log.
run_pair() {
	local name=$1 ns=$2
	shift 2
	load_our_cls_bpf
	run_stateless "$name-ours" "$ns" "$@"
	load_intree_cls_bpf
	run_stateless "$name-intree" "$ns" "$@"
	load_our_cls_bpf
}

# differences NAME: lines "case ours-errno intree-errno ours-msg |
# intree-msg" for every case of the pair NAME whose errno differs.
differences() {
	awk '
	function field(line, key,   s) {
		s = substr(line, index(line, " " key "=") + length(key) + 2)
		return key == "msg" ? substr(s, 2, index(substr(s, 2), "\"") - 1) : substr(s, 1, index(s, " ") - 1)
	}
	FNR == NR { e[$2] = field($0, "errno"); m[$2] = field($0, "msg"); next }
	($2 in e) && e[$2] != field($0, "errno") {
		printf "%s %s %s %s | %s\n", $2, e[$2], field($0, "errno"), m[$2], field($0, "msg")
	}' "$TEST_OUTDIR/$1-ours.log" "$TEST_OUTDIR/$1-intree.log"
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

# review NAME: every difference of the pair NAME must be allowed; prints
# them and adds the unreviewed ones to BAD.
review() {
	local k ours intree msg n=0 bad=0
	step "$1: cases whose errno differs (ours vs in-tree)"
	while read -r k ours intree msg; do
		n=$((n + 1))
		if allowed "$ours" "$intree" "$msg"; then
			echo "allowed: case $k ours=$ours in-tree=$intree: $msg"
		else
			echo "NEW DIFFERENCE: case $k ours=$ours in-tree=$intree: $msg"
			bad=$((bad + 1))
		fi
	done < <(differences "$1")
	log "$1: $n cases differ, $bad not in $(basename "$ALLOWED")"
	BAD=$((BAD + bad))
}

# The netdevsim pair, where the harness installed netdevsim.
offload_pair() {
	local port other
	if ! nsim_available; then
		log "no netdevsim on this kernel: the offload pair is not run"
		return 0
	fi
	port=$(nsim_add 1611)
	other=$(nsim_add 1612)
	run_pair offload "" --target "$port:ingress" --target "$port:egress" \
		--offload-dev "$port" --bound-dev "$other"
	review offload
	tc qdisc del dev "$port" clsact
	nsim_remove 1611
	nsim_remove 1612
}

BAD=0

main() {
	robust_start
	is_ours || skip "the differential run compares our module with the in-tree one"
	setup
	run_pair veth "$NSB" "${TARGETS[@]}"
	review veth
	offload_pair
	[[ $BAD -eq 0 ]] || fail "$BAD errno differences nobody reviewed (list them in $ALLOWED with the reason)"
	rm -f "$TEST_OUTDIR"/*.log
	pass
}

main "$@"
