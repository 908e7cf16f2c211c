#!/usr/bin/env bash
# Debian's linux-source-* packages in the cache ($CACHE_DIR/src), downloaded
# from sid/experimental through apt-private.sh when absent, and files taken
# out of the kernel tarball they carry. Sourced after tests/host/lib.sh.

# linux_source_cached [PACKAGE]: "PACKAGE VERSION DEB" for every cached .deb
# (of PACKAGE only, if given).
linux_source_cached() {
	local deb pkg=${1:-}
	for deb in "$CACHE_DIR/src/${pkg:-linux-source-}"*_all.deb; do
		[ -f "$deb" ] || continue
		[ -z "$pkg" ] || [[ $deb == */"${pkg}"_* ]] || continue
		# shellcheck disable=SC2016 # dpkg-deb's fields, not shell variables
		printf '%s %s\n' "$(dpkg-deb --showformat='${Package} ${Version}' -W "$deb")" "$deb"
	done
}

# linux_source_newest: of the "PACKAGE VERSION ..." lines on stdin, print the
# one with the highest Debian version (dpkg --compare-versions).
linux_source_newest() {
	local pkg version rest best='' best_version=''
	while read -r pkg version rest; do
		if [ -z "$best" ] || dpkg --compare-versions "$version" gt "$best_version"; then
			best="$pkg $version${rest:+ $rest}" best_version=$version
		fi
	done
	[ -n "$best" ] && printf '%s\n' "$best"
}

# linux_source_deb PACKAGE [VERSION]: print the path of the cached .deb of
# PACKAGE (that VERSION, else the newest cached), downloading it if absent.
linux_source_deb() {
	local pkg=$1 version=${2:-} found
	found=$(linux_source_cached "$pkg" | awk -v v="$version" 'v == "" || $2 == v')
	if [ -z "$found" ]; then
		mkdir -p "$CACHE_DIR/src"
		(cd "$CACHE_DIR/src" && "$HOST_DIR/roots/apt-private.sh" "$(newest_line)" \
			apt-get download -q "$pkg${version:+=$version}" >/dev/null 2>&1) ||
			die "cannot download $pkg${version:+ $version} (archive unreachable, or no such version)"
		found=$(linux_source_cached "$pkg" | awk -v v="$version" 'v == "" || $2 == v')
	fi
	[ -n "$found" ] || die "no $pkg${version:+ $version} in $CACHE_DIR/src after download"
	linux_source_newest <<<"$found" | awk '{ print $3 }'
}

# linux_source_extract DEB DEST PATTERN...: extract the kernel tree's files
# matching PATTERN (tar wildcards, e.g. '*/net/sched/cls_bpf.c') from the
# tarball inside DEB into DEST, without the tree's top directory.
linux_source_extract() {
	local deb=$1 dest=$2
	shift 2
	mkdir -p "$dest"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$dest" --strip-components=1 --wildcards "$@"
}

# linux_source_of ROOT KREL: "linux-source-6.1 6.1.192-2", the source
# package (and version) that KREL's headers in ROOT were built from.
linux_source_of() {
	local root=$1 krel=$2 version
	# shellcheck disable=SC2016 # a dpkg-query format
	version=$(in_root "$root" dpkg-query -W -f '${source:Version}' "linux-headers-$krel") ||
		die "linux-headers-$krel is not installed in $root"
	[ -n "$version" ] || die "cannot tell the source version of linux-headers-$krel"
	# 6.1.192-2 -> 6.1; 7.3~rc7-1~exp1 -> 7.3
	printf 'linux-source-%s %s\n' "$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$version")" "$version"
}
