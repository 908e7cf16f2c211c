#!/usr/bin/env bash
# The per-packet path must cost no more than the in-tree module's: list the
# external symbols that the classify function of a cls_bpf.ko calls or reads
# (its relocations against undefined symbols), and fail when ours uses one
# that the in-tree module of the same kernel does not.
# Usage: classify-calls.sh OURS.ko[.xz|.zst|.gz] IN-TREE.ko[...]
set -euo pipefail

WORK_DIR=
OURS_FN=cls_bpf_classify
INTREE_FN=cls_bpf_classify

# unpack FILE OUT: the module as a plain ELF file.
unpack() {
	case "$1" in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -qdc "$1" >"$2" ;;
	*.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# fn_calls KO FUNCTION: undefined symbols referenced from FUNCTION (and from
# its .cold part, if the compiler split one off), one per line.
fn_calls() {
	local ko=$1 fn=$2 value size ndx section
	while read -r _ value size ndx; do
		section=$(readelf -SW "$ko" | sed -n "s/^ *\[ *$ndx\] \([^ ]*\) .*/\1/p")
		objdump -dr --no-show-raw-insn -j "$section" \
			--start-address=$((16#$value)) --stop-address=$((16#$value + size)) "$ko" |
			sed -n 's/.*R_X86_64_[A-Z0-9]*[[:space:]]*\([A-Za-z_][A-Za-z0-9_.]*\).*/\1/p'
	done < <(readelf -sW "$ko" | awk -v f="$fn" '$4 == "FUNC" && ($8 == f || $8 == f ".cold") { print $8, $2, $3, $7 }')
}

undefined() { nm -u "$1" | awk '{ print $2 }'; }

# external_calls KO FUNCTION: fn_calls restricted to undefined symbols.
external_calls() {
	sort -u <(fn_calls "$1" "$2") | comm -12 - <(undefined "$1" | sort -u)
}

words() { tr '\n' ' ' <<<"$1"; }

main() {
	local ours intree extra
	[ $# = 2 ] || { echo "usage: classify-calls.sh OURS.ko IN-TREE.ko" >&2; exit 2; }
	WORK_DIR=$(mktemp -d)
	trap 'rm -rf "$WORK_DIR"' EXIT
	unpack "$1" "$WORK_DIR/ours.ko"
	unpack "$2" "$WORK_DIR/intree.ko"
	ours=$(external_calls "$WORK_DIR/ours.ko" "$OURS_FN")
	intree=$(external_calls "$WORK_DIR/intree.ko" "$INTREE_FN")
	[ -n "$ours" ] || { echo "classify-calls: no $OURS_FN (or no relocations) in $1" >&2; exit 1; }
	[ -n "$intree" ] || { echo "classify-calls: no $INTREE_FN (or no relocations) in $2" >&2; exit 1; }
	echo "classify-calls: ours: $(words "$ours")"
	echo "classify-calls: in-tree: $(words "$intree")"
	extra=$(comm -23 <(echo "$ours") <(echo "$intree"))
	if [ -n "$extra" ]; then
		echo "classify-calls: FAILED: ours uses what the in-tree classify does not: $(words "$extra")" >&2
		exit 1
	fi
}

main "$@"
