#!/usr/bin/env bash
# Figures of one kernel's robustness run, from its guest logs, as one row:
#   fuzz requests sent / accepted / rejected / rejected without a message
#   (10-fuzz), errno differences from in-tree (20, both pairs), writer
#   operations (30), replaces and packets with the miss count (50).
# Usage: robustness-figures.sh RESULTS_DIR     (prints "-" for what is missing)
set -euo pipefail

LOGS=${1:?usage: robustness-figures.sh RESULTS_DIR}/logs/robustness

# fuzz_sum LOG: "cases accepted rejected nomsg" summed over its fuzz: lines.
fuzz_sum() {
	[[ -f "$1" ]] || { echo "- - - -"; return 0; }
	awk '/^fuzz: seed=.* cases=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] }
	} END { printf "%d %d %d %d\n", v["cases"], v["accepted"], v["rejected"], v["nomsg"] }' "$1"
}

# value LOG ERE: the first number after ERE in LOG.
value() {
	[[ -f "$1" ]] || { echo -; return 0; }
	sed -nE "s/.*$2 ?= ?([0-9]+).*/\1/p; s/.*# ([0-9]+) $2.*/\1/p" "$1" | head -n 1 | grep . || echo -
}

main() {
	local f w rep cnt wit diff
	read -r -a f < <(fuzz_sum "$LOGS/10-fuzz.log")
	read -r -a w < <(fuzz_sum "$LOGS/30-writers.log")
	diff=$(sed -nE 's/.* ([0-9]+) cases differ.*/\1/p' "$LOGS/20-errno-diff.log" 2>/dev/null |
		awk '{ n += $1 } END { print NR ? n : "-" }')
	rep=$(sed -nE 's/.* ([0-9]+) replaces through .*/\1/p' "$LOGS/50-replace-traffic.log" 2>/dev/null |
		awk '{ n += $1 } END { print NR ? n : "-" }')
	cnt=$(value "$LOGS/50-replace-traffic.log" "count_a \+ count_b \(no escape, no double count\)")
	wit=$(value "$LOGS/50-replace-traffic.log" "witness = packets vb received")
	printf 'fuzz %s sent %s accepted %s rejected %s without message; errno diffs %s; writer ops %s; replaces %s; packets %s counted %s\n' \
		"${f[0]}" "${f[1]}" "${f[2]}" "${f[3]}" "$diff" "${w[0]}" "$rep" "$wit" "$cnt"
}

main "$@"
