#!/usr/bin/env bash
# The one builder of the guest's inputs: everything the guest suites run
# that the guest cannot build (it has no clang), from tests/guest/src/, all
# kernel-independent, into OUTDIR (TEST_ARTIFACTS in the guest):
#   bpf/NAME.o          tests/guest/src/bpf/NAME.c (section "classifier")
#   offload/NAME.bpf.o  tests/guest/src/bpf-offload/NAME.bpf.c
#   tc_client           static libbpf + raw netlink client (src/libbpf)
#   fuzz, fuzz-corpus/  the netlink fuzzer (static, libc only) and its corpus
#   bench-nl            the control-plane benchmark client (static, libc only)
#   failnth             the fault-injection sweep of the debug kernels (static,
#                       libc only)
# Usage: build.sh OUTDIR. Needs clang llvm libbpf-dev libelf-dev zlib1g-dev gcc.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../guest/src" && pwd)
MULTIARCH=${MULTIARCH:-x86_64-linux-gnu}
CLANG=${CLANG:-clang}
CC=${CC:-gcc}

die() { echo "inputs/build.sh: $*" >&2; exit 1; }

check_tools() {
	local tool
	for tool in "$CLANG" "$CC"; do
		command -v "$tool" >/dev/null || die "missing $tool (apt-get install clang gcc)"
	done
	[[ -f /usr/include/bpf/bpf_helpers.h ]] || die "missing libbpf headers (apt-get install libbpf-dev)"
	[[ -f /usr/lib/$MULTIARCH/libbpf.a ]] || die "missing libbpf.a (apt-get install libbpf-dev)"
	[[ -f /usr/lib/$MULTIARCH/libelf.a ]] || die "missing libelf.a (apt-get install libelf-dev)"
	[[ -f /usr/lib/$MULTIARCH/libz.a ]] || die "missing libz.a (apt-get install zlib1g-dev)"
}

# bpf_object SRC OUT: one BPF object.
bpf_object() {
	"$CLANG" -O2 -g -target bpf -Wall -Werror -I"/usr/include/$MULTIARCH" \
		-I"$(dirname "$1")" -c "$1" -o "$2"
}

# static_program SRC OUT LIBS...: one static guest program (runs in every
# release's guest, whatever its libc).
static_program() {
	local src=$1 out=$2
	shift 2
	"$CC" -O2 -g -Wall -Wextra -Werror -static -I"$SRC_DIR/include" -o "$out" "$src" "$@"
}

main() {
	local out=${1:?usage: build.sh OUTDIR} src
	check_tools
	mkdir -p "$out/bpf" "$out/offload" "$out/fuzz-corpus"
	for src in "$SRC_DIR"/bpf/*.c; do bpf_object "$src" "$out/bpf/$(basename "$src" .c).o"; done
	for src in "$SRC_DIR"/bpf-offload/*.c; do bpf_object "$src" "$out/offload/$(basename "$src" .c).o"; done
	static_program "$SRC_DIR/libbpf/tc_client.c" "$out/tc_client" -lbpf -lelf -lz
	static_program "$SRC_DIR/fuzz/fuzz.c" "$out/fuzz"
	static_program "$SRC_DIR/bench/bench-nl.c" "$out/bench-nl"
	static_program "$SRC_DIR/faults/failnth.c" "$out/failnth"
	cp "$SRC_DIR"/fuzz/corpus/*.hex "$out/fuzz-corpus/"
	echo "guest inputs in $out:"
	(cd "$out" && find . -type f | sort)
}

main "$@"
