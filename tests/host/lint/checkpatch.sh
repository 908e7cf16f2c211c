#!/usr/bin/env bash
# Run the kernel's checkpatch.pl (from the cached linux-source of the newest
# supported kernel) over the C sources: the upstream-derived core as upstream
# lints it (no --strict, so that it keeps upstream's own style), compat/ and
# the probes with --strict. Deliberate deviations, each with why:
#  DEPRECATED_API     idr is what upstream cls_bpf uses (and what 5.10 has)
#  MACRO_ARG_UNUSED   (compat) picking an optional macro argument needs one
#  SPDX_LICENSE_TAG, LONG_LINE_COMMENT  (probes) line 1 names the upstream change
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/host/roots/linux-source.sh
. "$HOST_DIR/roots/linux-source.sh"

find_checkpatch() {
	local tree=$CACHE_DIR/src/linux-7.3 deb
	if [ ! -f "$tree/scripts/checkpatch.pl" ]; then
		deb=$(linux_source_deb linux-source-7.3)
		linux_source_extract "$deb" "$tree" '*/scripts/checkpatch.pl' \
			'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	fi
	echo "$tree/scripts/checkpatch.pl"
}

# run_checkpatch CHECKPATCH IGNORE [--strict] FILE...
run_checkpatch() {
	local checkpatch=$1 ignore=$2
	shift 2
	perl "$checkpatch" --no-tree --terse --max-line-length=100 \
		--ignore "$ignore" -f "$@" | grep -v '^total: 0 errors, 0 warnings, 0 checks'
}

main() {
	local checkpatch out
	checkpatch=$(find_checkpatch)
	cd "$REPO_DIR"
	out=$(run_checkpatch "$checkpatch" DEPRECATED_API src/*.c
		run_checkpatch "$checkpatch" MACRO_ARG_UNUSED --strict compat/*.h compat/include/net/*.h
		run_checkpatch "$checkpatch" SPDX_LICENSE_TAG,LONG_LINE_COMMENT --strict compat/probes/*.c) || true
	if [ -n "$out" ]; then
		echo "$out"
		echo "checkpatch: fix the findings above" >&2
		return 1
	fi
	echo "checkpatch: src/ and compat/ clean"
}

main "$@"
