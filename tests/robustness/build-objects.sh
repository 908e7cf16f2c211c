#!/usr/bin/env bash
# Build the robustness suite's guest programs: OUTDIR/fuzz from
# tests/fuzz/fuzz.c (static, libc only, so it runs in every release's guest)
# and the replay corpus OUTDIR/fuzz-corpus/. Usage: build-objects.sh OUTDIR
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "$0")/../fuzz" && pwd)
INCLUDE_DIR=$(cd "$(dirname "$0")/../include" && pwd)

main() {
	local outdir=${1:?usage: build-objects.sh OUTDIR}
	mkdir -p "$outdir/fuzz-corpus"
	"${CC:-gcc}" -O2 -g -Wall -Wextra -Werror -static -I"$INCLUDE_DIR" \
		-o "$outdir/fuzz.tmp" "$FUZZ_DIR/fuzz.c"
	mv "$outdir/fuzz.tmp" "$outdir/fuzz"
	cp "$FUZZ_DIR"/corpus/*.hex "$outdir/fuzz-corpus/" 2>/dev/null || true
	printf 'built %s/fuzz\n' "$outdir"
}

main "$@"
