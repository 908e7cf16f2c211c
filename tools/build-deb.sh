#!/usr/bin/env bash
# Build the cls-bpf-dkms .deb (and its native source package) into dist/.
# The build runs in a temporary copy holding only the repository's tracked
# and not-ignored files of the package (never generated files or tests).
# Usage: build-deb.sh [VERSION]  (VERSION: add a changelog entry unless it is
#   the changelog's own, e.g. 0.1.1)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
DIST_DIR=${DIST_DIR:-$REPO_DIR/dist}
# The DKMS sources (the Makefile's list) plus the packaging.
read -r -a PACKAGE_FILES <<<"$(make -s -C "$REPO_DIR" dkms-sources) debian docs/packaging.md"

# copy_tree DEST: the package's files as git sees them (committed or not).
copy_tree() {
	local dest=$1
	mkdir -p "$dest"
	(cd "$REPO_DIR" && git ls-files -z --cached --others --exclude-standard -- "${PACKAGE_FILES[@]}" |
		xargs -0 cp --parents -a -t "$dest")
	rm -rf "$dest/compat/generated"
}

changelog_version() { dpkg-parsechangelog -l "$1/debian/changelog" -S Version; }

# bump_version DIR VERSION: a changelog entry for VERSION on top.
bump_version() {
	local dir=$1 version=$2 entry
	entry=$(printf '%s (%s) unstable; urgency=medium\n\n  * Build of version %s.\n\n -- %s  %s\n' \
		cls-bpf-dkms "$version" "$version" \
		"$(dpkg-parsechangelog -l "$dir/debian/changelog" -S Maintainer)" "$(date -R)")
	printf '%s\n\n' "$entry" | cat - "$dir/debian/changelog" >"$dir/debian/changelog.new"
	mv "$dir/debian/changelog.new" "$dir/debian/changelog"
}

main() {
	local version=${1:-} tmp src
	TMP_DIR=$(mktemp -d)
	trap 'rm -rf "$TMP_DIR"' EXIT
	tmp=$TMP_DIR
	src=$tmp/cls-bpf-dkms
	copy_tree "$src"
	if [ -n "$version" ] && [ "$version" != "$(changelog_version "$src")" ]; then
		bump_version "$src" "$version"
	fi
	version=$(changelog_version "$src")
	# The native source package first, from the pristine copy.
	(cd "$src" && dpkg-source -b . >"$tmp/build.log" 2>&1) || {
		cat "$tmp/build.log" >&2
		return 1
	}
	(cd "$src" && dpkg-buildpackage -us -uc -b >>"$tmp/build.log" 2>&1) || {
		tail -n 40 "$tmp/build.log" >&2
		echo "build-deb: dpkg-buildpackage failed" >&2
		return 1
	}
	mkdir -p "$DIST_DIR"
	cp "$tmp"/cls-bpf-dkms_"$version"_all.deb "$tmp"/cls-bpf-dkms_"$version"_*.changes \
		"$tmp"/cls-bpf-dkms_"$version"_*.buildinfo "$DIST_DIR/"
	cp "$tmp"/cls-bpf-dkms_"$version".dsc "$tmp"/cls-bpf-dkms_"$version".tar.* "$DIST_DIR/"
	echo "$DIST_DIR/cls-bpf-dkms_${version}_all.deb"
}

main "$@"
