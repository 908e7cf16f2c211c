#!/usr/bin/env bash
# Build the artifacts the functional suite needs inside the test VMs:
#   OUTDIR/bpf/NAME.o   one BPF object per tests/bpf/NAME.c (section "classifier")
#   OUTDIR/tc_client    static libbpf + raw netlink client (tests/libbpf/tc_client.c)
# Runs on the host. Needs: clang llvm libbpf-dev libelf-dev zlib1g-dev gcc.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MULTIARCH=${MULTIARCH:-x86_64-linux-gnu}
CLANG=${CLANG:-clang}
CC=${CC:-gcc}

die() { echo "build.sh: $*" >&2; exit 1; }

usage() { echo "usage: $0 OUTDIR" >&2; exit 2; }

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

build_bpf() {
	local out=$1 src name
	mkdir -p "$out/bpf"
	for src in "$SRC_DIR"/bpf/*.c; do
		name=$(basename "$src" .c)
		"$CLANG" -O2 -g -target bpf -Wall -Werror \
			-I"/usr/include/$MULTIARCH" -I"$SRC_DIR/bpf" \
			-c "$src" -o "$out/bpf/$name.o"
	done
}

build_client() {
	local out=$1
	"$CC" -O2 -g -Wall -Wextra -Werror -static -I"$SRC_DIR/include" \
		-o "$out/tc_client" "$SRC_DIR/libbpf/tc_client.c" \
		-lbpf -lelf -lz
}

main() {
	[[ $# -eq 1 ]] || usage
	local out=$1
	check_tools
	mkdir -p "$out"
	build_bpf "$out"
	build_client "$out"
	echo "artifacts in $out:"
	(cd "$out" && find . -type f | sort)
}

main "$@"
