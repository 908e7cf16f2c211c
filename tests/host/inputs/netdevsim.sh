#!/usr/bin/env bash
# netdevsim.ko (not enabled in any Debian kernel) for one kernel, built out of
# tree from the linux-source package of exactly that kernel's version, in a
# throw-away overlay of the kernel's root, and cached by kernel release in
# $CACHE_DIR/netdevsim/ko/KREL/ (rebuilt only when the recipe or the source
# version changes). Prints the cached module's path on stdout (progress on
# stderr); the
# pipeline injects it into each run's overlay (the root is never written).
# Usage: netdevsim.sh RECORD   (a kernel record, tests/host/roots/make-root.sh)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/host/roots/linux-source.sh
. "$HOST_DIR/roots/linux-source.sh"

# Bump when the build recipe changes so cached modules are rebuilt.
RECIPE_VERSION=1
BUILD_DIR_IN_ROOT=/var/tmp/cls-bpf-netdevsim

# Download linux-source-X=VERSION with the chroot's own apt (its sources
# carry the suite and its security updates) into $CACHE_DIR/src.
fetch_source_deb() {
	local line=$1 root=$2 pkg=$3 version=$4 deb tmp
	deb=$CACHE_DIR/src/${pkg}_${version}_all.deb
	if [ -s "$deb" ]; then
		printf '%s\n' "$deb"
		return 0
	fi
	progress "$line" netdevsim "downloading $pkg=$version" >&2
	tmp=$BUILD_DIR_IN_ROOT.dl
	rm -rf "${root:?}$tmp"
	mkdir -p "$root$tmp" "$CACHE_DIR/src"
	chmod 777 "$root$tmp"
	in_root "$root" sh -c "cd $tmp && apt-get download -q '$pkg=$version'" >&2 ||
		die "apt-get download $pkg=$version failed in $root"
	mv "$root$tmp"/"${pkg}"_*_all.deb "$deb.part"
	rm -rf "${root:?}$tmp"
	mv "$deb.part" "$deb"
	printf '%s\n' "$deb"
}

# Extract drivers/net/netdevsim and drivers/net/Kconfig from the package's
# tarball into $CACHE_DIR/netdevsim/src/VERSION (once per source version).
extract_source() {
	local line=$1 deb=$2 pkg=$3 version=$4 dest tmp
	dest=$CACHE_DIR/netdevsim/src/$version
	if [ -f "$dest/.complete" ]; then
		printf '%s\n' "$dest"
		return 0
	fi
	progress "$line" netdevsim "extracting drivers/net/netdevsim from $(basename "$deb")" >&2
	tmp=$dest.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
		tar -xJ -C "$tmp" --strip-components=1 \
			"$pkg/drivers/net/netdevsim" "$pkg/drivers/net/Kconfig" ||
		die "cannot extract netdevsim from $deb"
	[ -f "$tmp/drivers/net/netdevsim/Makefile" ] || die "no drivers/net/netdevsim in $deb"
	touch "$tmp/.complete"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	printf '%s\n' "$dest"
}

# The "config NETDEVSIM" entry's depends/select lines from drivers/net/Kconfig.
kconfig_entry() {
	awk '/^config NETDEVSIM$/ { on = 1; next }
		on && /^(config|menuconfig|endif|if|source|comment) / { exit }
		on && /^[[:space:]]+(depends on|select) / { sub(/^[[:space:]]+/, ""); print }' "$1"
}

# Tristate value (y/m/n) of CONFIG_SYM in a kernel .config.
config_value() {
	local v
	v=$(sed -n "s/^CONFIG_$2=\(.*\)/\1/p" "$1")
	case "$v" in y | m) echo "$v" ;; *) echo n ;; esac
}

tri_rank() { case "$1" in y) echo 2 ;; m) echo 1 ;; *) echo 0 ;; esac; }

# Evaluate a Kconfig "depends on" expression made of SYM, SYM=n/m/y, !SYM,
# || and && (parentheses ignored; upstream's NETDEVSIM entries need no more).
# Prints y, m or n.
kconfig_eval() {
	local config=$1 expr=$2 and or terms term best worst sym want v
	expr=${expr//[()]/}
	worst=2
	IFS='&' read -r -a and <<<"${expr//&&/&}"
	for or in "${and[@]}"; do
		best=0
		IFS='|' read -r -a terms <<<"${or//||/|}"
		for term in "${terms[@]}"; do
			term=${term//[[:space:]]/}
			case "$term" in
			!*) v=$(config_value "$config" "${term#!}"); [ "$v" = n ] && v=y || v=n ;;
			*=*)
				sym=${term%%=*} want=${term#*=}
				[ "$(config_value "$config" "$sym")" = "$want" ] && v=y || v=n
				;;
			*) v=$(config_value "$config" "$term") ;;
			esac
			[ "$(tri_rank "$v")" -gt "$best" ] && best=$(tri_rank "$v")
		done
		[ "$best" -lt "$worst" ] && worst=$best
	done
	case "$worst" in 2) echo y ;; 1) echo m ;; *) echo n ;; esac
}

# Check the target kernel's configuration against this version's Kconfig
# entry: a module cannot change the kernel, so every dependency must already
# hold and every selected symbol must already be enabled.
check_kconfig() {
	local line=$1 src=$2 config=$3 kind expr v summary=()
	while read -r kind _ expr; do
		case "$kind" in
		depends)
			v=$(kconfig_eval "$config" "$expr")
			[ "$v" != n ] || die "kernel config violates 'depends on $expr' for NETDEVSIM"
			summary+=("depends on $expr: ok")
			;;
		select)
			expr=${expr%% *}
			v=$(config_value "$config" "$expr")
			[ "$v" != n ] || die "NETDEVSIM selects $expr, which this kernel does not have"
			summary+=("select $expr: $v")
			;;
		esac
	done < <(kconfig_entry "$src/drivers/net/Kconfig" | sed 's/^select /select on /')
	[ "${#summary[@]}" -gt 0 ] || die "no 'config NETDEVSIM' entry in $src/drivers/net/Kconfig"
	progress "$line" netdevsim "Kconfig: $(printf '%s; ' "${summary[@]}")"
	progress "$line" netdevsim "config: PSAMPLE=$(config_value "$config" PSAMPLE) PTP_1588_CLOCK_MOCK=$(config_value "$config" PTP_1588_CLOCK_MOCK) BPF_SYSCALL=$(config_value "$config" BPF_SYSCALL) XFRM_OFFLOAD=$(config_value "$config" XFRM_OFFLOAD) MACSEC=$(config_value "$config" MACSEC) INET_PSP=$(config_value "$config" INET_PSP)"
}

# Copy the sources into the chroot with a Kbuild that turns the in-tree
# Makefile into an out-of-tree one, and build against the installed headers.
build_module() {
	local line=$1 root=$2 krel=$3 src=$4 out=$5 bdir
	bdir=$root$BUILD_DIR_IN_ROOT
	rm -rf "$bdir"
	mkdir -p "$bdir"
	cp -a "$src/drivers/net/netdevsim/." "$bdir/"
	{
		echo '# Generated by tests/host/inputs/netdevsim.sh'
		echo 'CONFIG_NETDEVSIM := m'
		grep -v '^#' "$src/drivers/net/netdevsim/Makefile"
	} >"$bdir/Kbuild"
	rm -f "$bdir/Makefile"
	progress "$line" netdevsim "building against linux-headers-$krel (log: $out.log)"
	if ! in_root "$root" make -C "/lib/modules/$krel/build" \
		M="$BUILD_DIR_IN_ROOT" -j"$(nproc)" modules >"$out.log" 2>&1; then
		tail -n 30 "$out.log" >&2
		die "netdevsim build for $krel failed: see $out.log"
	fi
	if grep -q 'WARNING: modpost: .*undefined' "$out.log"; then
		grep 'WARNING: modpost' "$out.log" >&2
		die "netdevsim for $krel has undefined symbols: see $out.log"
	fi
	[ -f "$bdir/netdevsim.ko" ] || die "make succeeded but produced no netdevsim.ko"
	cp "$bdir/netdevsim.ko" "$out.ko"
	rm -rf "$bdir"
}

main() {
	local record=${1:?usage: netdevsim.sh RECORD} line root krel pkg version deb src cache stamp work
	# Progress to stderr, the result alone to stdout.
	exec 3>&1 1>&2
	load_record "$record"
	line=$K_LINE krel=$K_KREL
	read -r pkg version < <(linux_source_of "$K_ROOT" "$krel")
	cache=$CACHE_DIR/netdevsim/ko/$krel
	stamp="recipe=$RECIPE_VERSION source=$pkg=$version"
	mkdir -p "$cache"
	exec 8>"$cache.lock"
	flock 8
	if [ -f "$cache/netdevsim.ko" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp" ]; then
		progress "$line" netdevsim "cached: $cache/netdevsim.ko ($pkg=$version)"
	else
		progress "$line" netdevsim "kernel $krel, sources $pkg=$version"
		work=$CACHE_DIR/runs/$line-netdevsim
		overlay_up "$work" "$K_ROOT"
		trap 'overlay_down "$work"' EXIT
		root=$work/root
		deb=$(fetch_source_deb "$line" "$root" "$pkg" "$version")
		src=$(extract_source "$line" "$deb" "$pkg" "$version")
		check_kconfig "$line" "$src" "$root$(readlink -f "$root/lib/modules/$krel/build" | sed "s|^$root||")/.config"
		rm -f "$cache/stamp"
		build_module "$line" "$root" "$krel" "$src" "$cache/netdevsim"
		echo "$stamp" >"$cache/stamp"
		overlay_down "$work"
		trap - EXIT
		progress "$line" netdevsim "built $cache/netdevsim.ko"
	fi
	echo "$cache/netdevsim.ko" >&3
}

main "$@"
