#!/usr/bin/env bash
# Compile the BPF objects the offload tests load in the guest (which has no
# clang): OUTDIR/offload/ret0.bpf.o. Usage: build-objects.sh OUTDIR
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/bpf" && pwd)

compile() {
	local src=$1 out=$2
	clang -O2 -target bpf -Wall -Werror -c "$src" -o "$out.tmp"
	mv "$out.tmp" "$out"
	printf 'built %s\n' "$out"
}

main() {
	local outdir=${1:?usage: build-objects.sh OUTDIR} src
	command -v clang >/dev/null || { echo "error: clang is required" >&2; exit 1; }
	mkdir -p "$outdir/offload"
	for src in "$SRC_DIR"/*.bpf.c; do
		compile "$src" "$outdir/offload/$(basename "$src" .c).o"
	done
}

main "$@"
