#!/usr/bin/env bash
# Build (or reuse from the cache) the debug kernel of one kernel line: the
# same linux-source version as the line's distro kernel (so our probes see
# the same API), Debian's own configuration of that kernel trimmed to the
# modules the suites load (debug-kernel/modules.list, localmodconfig), plus
# the options of debug-kernel/debug.config (KASAN, lockdep, PROVE_RCU,
# DEBUG_LIST, fault injection, netdevsim in tree). Built with the line's own
# toolchain in a throw-away overlay of its root, as Debian packages (make
# bindeb-pkg: linux-image and linux-headers of release VERSION-cbpf-debug),
# cached in $CACHE_DIR/debug-kernels/LINE/ and rebuilt only when the source
# version or one of the inputs changes. Prints that directory on stdout
# (progress on stderr). --cached only prints the directory of a current
# cached build, and fails (building nothing) when there is none.
# DEBUG_BASE_RECORD: the line's root record when the caller has made the
# root already (make-root.sh of a debug line); otherwise it is made here.
# (--cached reads the record make-root.sh left, and makes nothing.)
# Usage: make-debug-kernel.sh [--cached] LINE   (LINE: a distro line, e.g.
# 6.1; a build takes 40 to 70 minutes here)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/host/roots/linux-source.sh
. "$HOST_DIR/roots/linux-source.sh"

INPUTS_DIR=$HOST_DIR/roots/debug-kernel
# Bump when configure() or build() changes what is built: with the source
# version and the inputs (debug-kernel/*), it keys the cached build.
RECIPE_VERSION=1
BUILD_DEPS=(build-essential fakeroot bc bison flex libssl-dev libelf-dev libdw-dev rsync cpio kmod python3)
BUILD_IN_ROOT=/var/tmp/cbpf-debug-kernel
LOCALVERSION=-cbpf-debug

# configure ROOT: .config from Debian's, trimmed, with the debug options;
# fails naming every option of debug.config that did not stick.
configure() {
	local root=$1 tree=$1$BUILD_IN_ROOT/linux want got missing=()
	cp "$root/boot/config-$K_KREL" "$tree/.config"
	cp "$INPUTS_DIR/modules.list" "$INPUTS_DIR/debug.config" "$root$BUILD_IN_ROOT/"
	in_build_root "$root" sh -c "cd $BUILD_IN_ROOT/linux &&
		yes '' | make LSMOD=$BUILD_IN_ROOT/modules.list localmodconfig >/dev/null 2>&1 &&
		scripts/config --set-str LOCALVERSION '$LOCALVERSION' --disable LOCALVERSION_AUTO &&
		scripts/kconfig/merge_config.sh -m .config $BUILD_IN_ROOT/debug.config >/dev/null &&
		make olddefconfig >/dev/null"
	while IFS= read -r want; do
		case "$want" in '#'* | '') continue ;; esac
		got=$(grep -E "^${want%%=*}=|^# ${want%%=*} is not set" "$tree/.config" || true)
		case "$want" in
		*=n) [ -z "$got" ] || [[ $got == '# '* ]] || missing+=("$want (got $got)") ;;
		*) [ "$got" = "$want" ] || missing+=("$want (got ${got:-nothing})") ;;
		esac
	done <"$INPUTS_DIR/debug.config"
	[ "${#missing[@]}" = 0 ] || die "debug options that did not stick: ${missing[*]}"
}

build() {
	local line=$1 out=$2 deb=$3 work root log
	work=$CACHE_DIR/runs/$line-debug-kernel
	log=$CACHE_DIR/logs/debug-kernel-$line.log
	overlay_up "$work" "$K_ROOT"
	trap 'overlay_down "$work"' EXIT
	root=$work/root
	progress "$line" debug-kern "build dependencies into an overlay of the $line root"
	in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 "${BUILD_DEPS[@]}" >"$log" 2>&1 ||
		die "cannot install the build dependencies: see $log"
	progress "$line" debug-kern "extracting $(basename "$deb")"
	mkdir -p "$root$BUILD_IN_ROOT/linux"
	linux_source_extract "$deb" "$root$BUILD_IN_ROOT/linux" '*'
	configure "$root"
	cp "$root$BUILD_IN_ROOT/linux/.config" "$out.new/config"
	progress "$line" debug-kern "make bindeb-pkg -j$(nproc) (log: $log)"
	in_build_root "$root" sh -c "cd $BUILD_IN_ROOT/linux && make -j$(nproc) bindeb-pkg" >>"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; die "the debug kernel did not build: see $log"; }
	cp "$root$BUILD_IN_ROOT"/linux-image-*"$LOCALVERSION"_*.deb \
		"$root$BUILD_IN_ROOT"/linux-headers-*"$LOCALVERSION"_*.deb "$out.new/" ||
		die "make bindeb-pkg left no linux-image/linux-headers packages"
	overlay_down "$work"
	trap - EXIT
}

# debug_key PACKAGE VERSION: what a cached build of that linux-source must
# have been made from.
debug_key() {
	echo "$1=$2 recipe=$RECIPE_VERSION inputs=$(cat "$INPUTS_DIR"/* | sha256sum | cut -c1-12)"
}

# cached LINE: the cached build's directory if it is current, without
# building anything (not even the line's root); fails saying why not.
cached() {
	local line=$1 out=$CACHE_DIR/debug-kernels/$1 record pkg version key
	record=$(record_file "$line")
	[ -s "$out/key" ] || die "no debug kernel of $line in $out (40 to 70 minutes to build)"
	[ -s "$record" ] || die "no root of $line yet, so its debug kernel cannot be checked"
	load_record "$record"
	read -r pkg version < <(linux_source_of "$K_ROOT" "$K_KREL")
	key=$(debug_key "$pkg" "$version")
	[ "$(cat "$out/key")" = "$key" ] ||
		die "the debug kernel of $line in $out is stale: built from '$(cat "$out/key")', the line needs '$key'"
	echo "$out"
}

main() {
	local line pkg version out key
	exec 3>&1 1>&2
	if [ "${1:-}" = --cached ]; then
		cached "${2:?usage: make-debug-kernel.sh [--cached] LINE}" >&3
		return
	fi
	line=${1:?usage: make-debug-kernel.sh [--cached] LINE}
	load_record "${DEBUG_BASE_RECORD:-$("$HOST_DIR/roots/make-root.sh" "$line")}"
	[ "$K_LINE" = "$line" ] || die "DEBUG_BASE_RECORD is the record of $K_LINE, not of $line"
	read -r pkg version < <(linux_source_of "$K_ROOT" "$K_KREL")
	key=$(debug_key "$pkg" "$version")
	out=$CACHE_DIR/debug-kernels/$line
	mkdir -p "$CACHE_DIR/debug-kernels" "$CACHE_DIR/logs"
	exec 9>"$out.lock"
	flock 9
	if [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
		progress "$line" debug-kern "cached: $out ($pkg=$version)"
	else
		rm -rf "$out.new"
		mkdir -p "$out.new"
		build "$line" "$out" "$(linux_source_deb "$pkg" "$version")"
		echo "$key" >"$out.new/key"
		rm -rf "$out"
		mv "$out.new" "$out"
		progress "$line" debug-kern "built: $(cd "$out" && echo ./*.deb)"
	fi
	echo "$out" >&3
}

main "$@"; exit
