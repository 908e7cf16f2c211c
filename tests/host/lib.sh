#!/usr/bin/env bash
# The host side's one library (sourced, not executed): paths and progress
# lines, the kernel table and a kernel's record, commands run inside a root,
# and the overlays every run works on. Roots are built once
# (tests/host/roots/make-root.sh) and never written afterwards: a build, a VM
# boot or a package test mounts an overlay of the root, writes only there,
# and discards it at the end.

# shellcheck disable=SC2034 # read by the scripts that source this
CACHE_DIR=${CLS_BPF_CACHE:-/var/cache/cls-bpf-dkms}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
HOST_DIR=$REPO_DIR/tests/host
KERNELS_LIST=$REPO_DIR/tests/kernels.list

progress() { printf '[%s] %-9s %-10s %s\n' "$(date +%H:%M:%S)" "$1" "$2" "$3"; }
die() { echo "error: $*" >&2; exit 1; }

# --- the kernel table (tests/kernels.list) ---------------------------------

# kernel_lines: the distro kernel lines (column 4 "distro").
kernel_lines() { awk '!/^#/ && NF && $4 == "distro" { print $1 }' "$KERNELS_LIST"; }

# debug_lines: the debug kernel lines (column 4 "debug"), in table order.
debug_lines() { awk '!/^#/ && NF && $4 == "debug" { print $1 }' "$KERNELS_LIST"; }

# The newest line: the last distro line of the table.
newest_line() { kernel_lines | tail -n 1; }

# kernel_suites LINE: "ROOT_SUITE KERNEL_SUITE" of a line; fails on a line
# the table lacks or whose kind (column 4) is neither distro nor debug, and
# on a debug line whose distro line (debug-LINE -> LINE) is not in the table.
kernel_suites() {
	awk -v l="$1" '!/^#/ && $1 == l { print $2, $3; found = 1 } END { exit !found }' \
		"$KERNELS_LIST" || die "unknown kernel line '$1' (see tests/kernels.list)"
	case "$(kernel_kind "$1")" in
	distro) ;;
	debug)
		[ "$(kernel_kind "${1#debug-}")" = distro ] ||
			die "debug line '$1' has no distro line '${1#debug-}' in tests/kernels.list"
		;;
	*) die "line '$1': column 4 of tests/kernels.list must be distro or debug" ;;
	esac
}

# kernel_kind LINE: column 4 of LINE ("distro", "debug"; empty if no line).
kernel_kind() { awk -v l="$1" '!/^#/ && $1 == l { print $4 }' "$KERNELS_LIST"; }

# is_debug_line LINE: whether LINE is a debug kernel line.
is_debug_line() { [ "$(kernel_kind "$1")" = debug ]; }

# debug_base LINE: the distro line whose source and root debug line LINE's
# kernel is built from (debug-6.1 -> 6.1).
debug_base() {
	is_debug_line "$1" || die "'$1' is not a debug line of tests/kernels.list"
	echo "${1#debug-}"
}

# suite_sources URI ROOT_SUITE KERNEL_SUITE [SECURITY_URI]: the sources.list
# lines of a root: its suite (with -updates and -security for a stable
# release), and the kernel's suite where that differs (experimental).
suite_sources() {
	local uri=$1 root_suite=$2 kernel_suite=$3 sec=${4:-}
	echo "deb $uri $root_suite main"
	case "$root_suite" in
	sid | unstable) ;;
	*)
		echo "deb $uri $root_suite-updates main"
		[ -z "$sec" ] || echo "deb $sec $root_suite-security main"
		;;
	esac
	[ "$kernel_suite" = "$root_suite" ] || echo "deb $uri $kernel_suite main"
}

# --- a kernel's record -----------------------------------------------------
# A line is resolved once, when its root is built, into the record beside
# the root: roots/LINE.record, shell assignments every stage loads:
#   K_LINE K_ROOT_SUITE K_KERNEL_SUITE K_ROOT K_KREL K_MODDIR
# (K_MODDIR: the module directory inside the root, /usr/lib/modules/KREL or
# /lib/modules/KREL). The build stage adds K_PROBES to a run's copy.

root_dir() { printf '%s/roots/%s\n' "$CACHE_DIR" "$1"; }
record_file() { printf '%s.record\n' "$(root_dir "$1")"; }

# load_record FILE: the record's variables into this shell.
load_record() {
	[ -s "$1" ] || die "no kernel record at $1 (tests/host/roots/make-root.sh LINE writes it)"
	# shellcheck source=/dev/null
	. "$1"
	if [ -z "${K_LINE:-}" ] || [ -z "${K_KREL:-}" ] || [ ! -d "${K_ROOT:-}" ]; then
		die "incomplete record $1"
	fi
}

# record_get FILE NAME: one value of a record, without loading it here.
record_get() {
	# shellcheck source=/dev/null
	(. "$1" && printf '%s\n' "${!2:-}")
}

# record_add FILE NAME VALUE: one more assignment.
record_add() { printf '%s=%q\n' "$2" "$3" >>"$1"; }

# --- commands inside a root ------------------------------------------------

# root_exec LOCKED ROOT CMD...: CMD (on the host) in a mount namespace of
# its own where ROOT has proc, sys and dev mounted: nothing stays mounted
# after it, whatever happens. LOCKED=1 also mounts the shared apt archive
# cache and holds its lock: such commands run one at a time on a machine
# (two apt runs on the one cache would fail on its lock). LOCKED=0 is for
# long commands that need no apt (a kernel build).
root_exec() {
	local locked=$1 root=$2 archives='' lock=()
	shift 2
	if [ "$locked" = 1 ]; then
		archives=$CACHE_DIR/apt-archives
		mkdir -p "$archives/partial"
		lock=(flock "$CACHE_DIR/apt-archives.lock")
	fi
	# shellcheck disable=SC2016 # expanded by the inner bash
	"${lock[@]}" unshare --mount --propagation private -- bash -c '
		root=$1 archives=$2
		shift 2
		mount -t proc proc "$root/proc" && mount -t sysfs sys "$root/sys" &&
			mount --bind /dev "$root/dev" || exit 125
		if [ -n "$archives" ]; then
			mount --bind "$archives" "$root/var/cache/apt/archives" || exit 125
		fi
		exec "$@"' _ "$root" "$archives" "$@"
}

# with_root_mounts ROOT CMD...: root_exec with the apt archive cache.
with_root_mounts() { root_exec 1 "$@"; }

ROOT_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive LC_ALL=C)

# in_root ROOT CMD...: CMD chrooted into ROOT with a clean environment (and
# ROOT's mounts, as with_root_mounts).
in_root() {
	local root=$1
	shift
	root_exec 1 "$root" chroot "$root" "${ROOT_ENV[@]}" "$@"
}

# in_build_root ROOT CMD...: in_root without the apt archive cache and its
# lock, for the tens of minutes a kernel build takes.
in_build_root() {
	local root=$1
	shift
	root_exec 0 "$root" chroot "$root" "${ROOT_ENV[@]}" "$@"
}

# --- overlays --------------------------------------------------------------

# overlay_up DIR LOWER: a writable overlay of the root LOWER at DIR/root
# (DIR/upper holds what the run writes). Any earlier one at DIR goes first.
overlay_up() {
	local dir=$1 lower=$2
	overlay_down "$dir"
	mkdir -p "$dir/upper" "$dir/work" "$dir/root"
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/root" ||
		die "cannot mount an overlay of $lower at $dir/root"
}

# overlay_down DIR: unmount and discard the overlay at DIR.
overlay_down() {
	local dir=$1
	[ -d "$dir" ] || return 0
	if mountpoint -q "$dir/root"; then umount "$dir/root" || umount -l "$dir/root"; fi
	if findmnt -rn -o TARGET | grep "^$dir/" >/dev/null; then
		die "$dir still has mounts; not removing it"
	fi
	rm -rf "$dir"
}

# run_up LINE NAME: a run of LINE's kernel: an overlay of its root at
# runs/LINE-NAME/root and the run's record (the kernel's, plus K_RUN_DIR and
# K_RUN_ROOT) at runs/LINE-NAME/record, whose path it prints.
run_up() {
	local line=$1 name=$2 dir lower
	dir=$CACHE_DIR/runs/$line-$name
	lower=$(record_get "$(record_file "$line")" K_ROOT)
	[ -d "$lower" ] || die "no root for $line (tests/host/roots/make-root.sh $line)"
	overlay_up "$dir" "$lower"
	cp "$(record_file "$line")" "$dir/record"
	record_add "$dir/record" K_RUN_DIR "$dir"
	record_add "$dir/record" K_RUN_ROOT "$dir/root"
	echo "$dir/record"
}

# run_down RUN_RECORD: discard the run's overlay.
run_down() {
	local dir
	dir=$(dirname "$1")
	[ -f "$1" ] || return 0
	case "$dir" in "$CACHE_DIR"/runs/?*) ;; *) die "run_down: $1 is not a run's record" ;; esac
	overlay_down "$dir"
}

# kill_tree PID...: TERM to each process and, first, to its descendants
# (the VM stage's own trap then stops its QEMU).
kill_tree() {
	local pid
	for pid in "$@"; do
		# shellcheck disable=SC2046 # one argument per child pid
		kill_tree $(pgrep -P "$pid")
		kill -TERM "$pid" 2>/dev/null || true
	done
}

# module_dir_in ROOT KREL: the real module directory of KREL inside ROOT
# (/usr/lib/modules/KREL in a merged-/usr root, else /lib/modules/KREL).
module_dir_in() {
	local root=$1 krel=$2 d
	for d in "/usr/lib/modules/$krel" "/lib/modules/$krel"; do
		[ -f "$root$d/modules.dep" ] && { echo "$d"; return 0; }
	done
	die "no modules.dep for $krel under $root"
}
