#!/usr/bin/env bash
# Shared helpers for the test scripts (sourced, not executed).

CACHE_DIR=${CLS_BPF_CACHE:-/var/cache/cls-bpf-dkms}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNELS_LIST=$REPO_DIR/tests/kernels.list

progress() { printf '[%s] %-6s %-10s %s\n' "$(date +%H:%M:%S)" "$1" "$2" "$3"; }
die() { echo "error: $*" >&2; exit 1; }

# kernel_field LINE COLUMN: column 2 = release, 3 = kernel suite.
kernel_field() {
	awk -v l="$1" -v c="$2" '$1 == l { print $c; found = 1 } END { exit !found }' \
		"$KERNELS_LIST" || die "unknown kernel line '$1' (see tests/kernels.list)"
}

all_kernel_lines() { awk '!/^#/ && NF { print $1 }' "$KERNELS_LIST"; }

chroot_dir() { printf '%s/chroots/%s\n' "$CACHE_DIR" "$(kernel_field "$1" 2)"; }

# The kernel release (uname -r) installed in a chroot for a kernel line.
chroot_kernel_release() {
	local dir
	dir=$(chroot_dir "$1")
	cat "$dir/etc/cls-bpf-test-kernel" 2>/dev/null ||
		die "chroot $dir has no kernel recorded; run tests/lib/make-chroot.sh $1"
}

# The real module directory of kernel KREL inside chroot ROOT (merged /usr or not).
chroot_module_dir() {
	local root=$1 krel=$2 d
	for d in "$root/usr/lib/modules/$krel" "$root/lib/modules/$krel"; do
		[ -f "$d/modules.dep" ] && { echo "$d"; return 0; }
	done
	die "no modules.dep for $krel under $root"
}
