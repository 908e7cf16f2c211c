#!/usr/bin/env bash
# Diff the classifier core (src/cls_bpf.c) against upstream's
# net/sched/cls_bpf.c from Debian's linux-source-* and check that every hunk
# is a deliberate difference listed in src/upstream-diff.allowed, so that a
# new upstream change shows up as an unexplained hunk.
#
# Usage: tools/upstream-diff.sh [--base] [--list] [--quiet] [--offline]
#   (none)     the newest linux-source-* available: the cached ones and what
#              sid and experimental offer (tests/host/roots/apt-private.sh); when the
#              archive cannot be reached, the newest cached one. Prints the diff.
#   --base     exactly the recorded base (src/UPSTREAM), its blob id verified;
#              what `make lint` runs, so a new upstream release cannot fail CI
#   --list     one line per hunk, its id and its @@ header, for filling the list
#   --quiet    no full diff: the size, the unexplained hunks and stale entries
#   --offline  do not ask the archive: the newest cached linux-source-*
#
# A hunk's id is the first 12 hex digits of the sha256 of its changed lines
# only (those starting with - or +, each ending in a newline; not the context,
# not the @@ line numbers), so it stays the same when other upstream lines
# move. Exit 1 when a hunk is not listed or a listed id no longer occurs.
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../tests/host/lib.sh"
# shellcheck source=tests/host/roots/linux-source.sh
. "$HOST_DIR/roots/linux-source.sh"

UPSTREAM_FILE=$REPO_DIR/src/UPSTREAM
ALLOWED_FILE=$REPO_DIR/src/upstream-diff.allowed
CORE=src/cls_bpf.c

# upstream_field KEY: a value of src/UPSTREAM (KEY=VALUE lines).
upstream_field() {
	awk -F= -v k="$1" '$1 == k { sub(/^[^=]*=/, ""); print; found = 1 } END { exit !found }' \
		"$UPSTREAM_FILE" || die "src/UPSTREAM has no $1="
}

# archive_sources: "PACKAGE VERSION" for every linux-source-X.Y that the
# newest kernel line's suites (sid and experimental) offer; fails when the archive cannot be reached.
archive_sources() {
	local apt=$HOST_DIR/roots/apt-private.sh err names
	err=$(mktemp)
	if ! names=$("$apt" "$(newest_line)" apt-cache search --names-only '^linux-source-[0-9.]+$' 2>"$err") ||
		grep -q '^[WE]:' "$err" || [ -z "$names" ]; then
		sed 's/^/  /' "$err" >&2
		rm -f "$err"
		return 1
	fi
	rm -f "$err"
	# shellcheck disable=SC2046 # one argument per package name
	"$apt" "$(newest_line)" apt-cache madison $(awk '{ print $1 }' <<<"$names") |
		awk -F' *[|] *' '{ print $1, $2 }'
}

# pick_source MODE: "PACKAGE VERSION" of the upstream to diff against.
pick_source() {
	local newest cached pkg version
	if [ "$1" = base ]; then
		printf '%s %s\n' "$(upstream_field package)" "$(upstream_field version)"
		return
	fi
	cached=$(linux_source_cached)
	if [ "$1" = newest ]; then
		if newest=$({ archive_sources && printf '%s\n' "$cached"; } | linux_source_newest); then
			read -r pkg version _ <<<"$newest"
			if (linux_source_deb "$pkg" "$version" >/dev/null); then
				printf '%s %s\n' "$pkg" "$version"
				return
			fi
			echo "upstream-diff: cannot download $pkg $version; using the newest cached" >&2
		else
			echo "upstream-diff: the archive cannot be reached; using the newest cached" >&2
		fi
	fi
	[ -n "$cached" ] || die "no linux-source-* in $CACHE_DIR/src"
	linux_source_newest <<<"$cached" | awk '{ print $1, $2 }'
}

# upstream_copy PACKAGE VERSION PATH: print the cached copy of PATH of that
# package version, extracting it first (once per version).
upstream_copy() {
	local pkg=$1 version=$2 path=$3 dir deb tmp
	dir=$CACHE_DIR/src/upstream/${pkg}_$version
	if [ ! -f "$dir/$path" ]; then
		deb=$(linux_source_deb "$pkg" "$version")
		mkdir -p "$CACHE_DIR/src/upstream"
		tmp=$(mktemp -d "$dir.XXXXXX")
		linux_source_extract "$deb" "$tmp" "*/$path"
		[ -f "$tmp/$path" ] || { rm -rf "$tmp"; die "$deb has no $path"; }
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	printf '%s\n' "$dir/$path"
}

# split_hunks DIFF DIR: DIR/NNN.hunk per hunk (with its @@ line) and DIR/NNN.id.
split_hunks() {
	local diff=$1 dir=$2 hunk
	awk -v dir="$dir" '
		/^@@ / { f = sprintf("%s/%03d.hunk", dir, ++n) }
		f != "" { print > f }' "$diff"
	for hunk in "$dir"/*.hunk; do
		[ -f "$hunk" ] || continue
		grep '^[-+]' "$hunk" | sha256sum | cut -c1-12 >"${hunk%.hunk}.id"
	done
}

# allowed_ids: the ids of src/upstream-diff.allowed, checked for form and
# duplicates.
allowed_ids() {
	awk -v f="$ALLOWED_FILE" '
		/^[[:space:]]*(#|$)/ { next }
		$1 !~ /^[0-9a-f]+$/ || length($1) != 12 || NF < 2 { printf "%s:%d: not \"<12-hex id>  <reason>\"\n", f, NR > "/dev/stderr"; bad = 1; next }
		seen[$1]++ { printf "%s:%d: %s listed twice\n", f, NR, $1 > "/dev/stderr"; bad = 1; next }
		{ print $1 }
		END { exit bad }' "$ALLOWED_FILE"
}

# classify DIR: the size, every unexplained hunk in full and every stale entry.
classify() {
	local dir=$1 hunk id allowed present bad=0 n_hunks=0 n_bad=0 n_stale=0
	allowed=$(allowed_ids) || bad=1
	present=$(cat "$dir"/*.id 2>/dev/null || true)
	for hunk in "$dir"/*.hunk; do
		[ -f "$hunk" ] || continue
		n_hunks=$((n_hunks + 1))
		id=$(cat "${hunk%.hunk}.id")
		grep -qxF "$id" <<<"$allowed" && continue
		n_bad=$((n_bad + 1))
		printf '\nunexplained hunk %s:\n' "$id"
		cat "$hunk"
	done
	while read -r id; do
		[ -n "$id" ] || continue
		grep -qxF "$id" <<<"$present" && continue
		n_stale=$((n_stale + 1))
		printf '\nstale entry (its hunk no longer occurs): %s\n' "$(grep -m1 "^$id" "$ALLOWED_FILE")"
	done <<<"$allowed"
	printf '\nupstream-diff: %d hunks: %d explained, %d unexplained, %d stale entries\n' \
		"$n_hunks" "$((n_hunks - n_bad))" "$n_bad" "$n_stale"
	[ "$bad$n_bad$n_stale" = 000 ] || {
		echo "upstream-diff: explain each unexplained hunk in src/upstream-diff.allowed (ids: --list), drop stale entries" >&2
		return 1
	}
}

main() {
	local mode=newest list=0 quiet=0 source pkg version path blob copy got tmp id
	while [ $# -gt 0 ]; do
		case "$1" in
		--base) mode=base ;;
		--offline) [ "$mode" = base ] || mode=cached ;;
		--list) list=1 ;;
		--quiet) quiet=1 ;;
		*) die "usage: tools/upstream-diff.sh [--base] [--list] [--quiet] [--offline]" ;;
		esac
		shift
	done
	path=$(upstream_field path)
	blob=$(upstream_field blob)
	source=$(pick_source "$mode")
	read -r pkg version <<<"$source"
	copy=$(upstream_copy "$pkg" "$version" "$path")
	got=$(git hash-object "$copy")
	if [ "$pkg $version" = "$(upstream_field package) $(upstream_field version)" ]; then
		[ "$got" = "$blob" ] ||
			die "$pkg $version's $path has blob $got, src/UPSTREAM records $blob (remove $copy to extract it again)"
		echo "upstream: $pkg $version $path, blob $got (the recorded base)"
	else
		echo "upstream: $pkg $version $path, blob $got (newer than the recorded base $(upstream_field version))"
	fi

	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	diff -u -p --label "upstream/$path" --label "$CORE" "$copy" "$REPO_DIR/$CORE" >"$tmp/diff" || [ $? = 1 ]
	split_hunks "$tmp/diff" "$tmp"
	if [ "$list" = 1 ]; then
		for id in "$tmp"/*.id; do
			[ -f "$id" ] || continue
			printf '%s  %s\n' "$(cat "$id")" "$(head -n 1 "${id%.id}.hunk")"
		done
		return 0
	fi
	[ "$quiet" = 1 ] || cat "$tmp/diff"
	awk 'NR > 2 && /^\+/ { a++ } NR > 2 && /^-/ { d++ } /^@@ / { h++ }
		END { printf "upstream-diff: %s vs %s: %d+/%d- in %d hunks\n", core, up, a, d, h }' \
		core="$CORE" up="$pkg $version $path" "$tmp/diff"
	classify "$tmp"
}

main "$@"
