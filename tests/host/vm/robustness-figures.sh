#!/usr/bin/env bash
# Figures of one kernel's robustness run, from its guest logs, as one row:
#   fuzz requests sent / accepted / rejected / rejected without a message
#   (10-fuzz); the stateless runs' rejections with and without a message,
#   ours and in-tree, and their errno differences (20, both pairs), writer
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

# stateless_sum LOG WHO: "cases rejected nomsg" of 20-errno-diff's runs
# against WHO (ours or intree), both pairs: the same requests to both.
stateless_sum() {
	[[ -f "$1" ]] || { echo "- - -"; return 0; }
	awk -v who="$2" '
	/^## .*: stateless fuzzer, seed/ { side = ($3 ~ ("-" who ":$")) }
	side && /^fuzz: seed=.* cases=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] }
	} END { printf "%d %d %d\n", v["cases"], v["rejected"], v["nomsg"] }' "$1"
}

# sum_of LOG ERE: the sum of the numbers ERE's group captures in LOG.
sum_of() {
	[[ -f "$1" ]] || { echo -; return 0; }
	sed -nE "s/$2/\1/p" "$1" | awk '{ n += $1 } END { print NR ? n : "-" }'
}

# value LOG ERE: the first number after ERE in LOG.
value() {
	[[ -f "$1" ]] || { echo -; return 0; }
	sed -nE "s/.*$2 ?= ?([0-9]+).*/\1/p; s/.*# ([0-9]+) $2.*/\1/p" "$1" | head -n 1 | grep . || echo -
}

main() {
	local f w rep cnt wit diff so si
	read -r -a f < <(fuzz_sum "$LOGS/10-fuzz.log")
	read -r -a so < <(stateless_sum "$LOGS/20-errno-diff.log" ours)
	read -r -a si < <(stateless_sum "$LOGS/20-errno-diff.log" intree)
	read -r -a w < <(fuzz_sum "$LOGS/30-writers.log")
	diff=$(sum_of "$LOGS/20-errno-diff.log" '.* ([0-9]+) cases differ.*')
	rep=$(sum_of "$LOGS/50-replace-traffic.log" '.* ([0-9]+) replaces through .*')
	cnt=$(value "$LOGS/50-replace-traffic.log" "count_a \+ count_b \(no escape, no double count\)")
	wit=$(value "$LOGS/50-replace-traffic.log" "witness = packets vb received")
	printf 'fuzz %s sent %s accepted %s rejected %s without message; stateless %s sent, rejected/without message ours %s/%s in-tree %s/%s, errno diffs %s; writer ops %s; replaces %s; packets %s counted %s\n' \
		"${f[0]}" "${f[1]}" "${f[2]}" "${f[3]}" "${so[0]}" "${so[1]}" "${so[2]}" "${si[1]}" "${si[2]}" \
		"$diff" "${w[0]}" "$rep" "$wit" "$cnt"
}

main "$@"
