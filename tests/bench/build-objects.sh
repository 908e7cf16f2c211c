#!/usr/bin/env bash
# Build the benchmark suite's guest program: OUTDIR/bench-nl from
# tests/bench/bench-nl.c (static, libc only, so it runs in every release's
# guest). Usage: build-objects.sh OUTDIR
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
INCLUDE_DIR=$(cd "$BENCH_DIR/../include" && pwd)

main() {
	local outdir=${1:?usage: build-objects.sh OUTDIR}
	mkdir -p "$outdir"
	"${CC:-gcc}" -O2 -g -Wall -Wextra -Werror -static -I"$INCLUDE_DIR" \
		-o "$outdir/bench-nl.tmp" "$BENCH_DIR/bench-nl.c"
	mv "$outdir/bench-nl.tmp" "$outdir/bench-nl"
	printf 'built %s/bench-nl\n' "$outdir"
}

main "$@"
