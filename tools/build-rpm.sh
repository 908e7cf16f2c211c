#!/usr/bin/env bash
# Build the dkms-cls-bpf source and noarch binary RPMs into dist/ with
# rpmbuild, from the repository's tracked and not-ignored package files.
# Usage: build-rpm.sh [VERSION]  (default: debian/changelog's, the version's
#   one source; the spec says #MODULE_VERSION#)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
DIST_DIR=${DIST_DIR:-$REPO_DIR/dist}
SPEC=$REPO_DIR/rpm/dkms-cls-bpf.spec
# The DKMS sources (the Makefile's list) plus what the spec ships besides.
read -r -a PACKAGE_FILES <<<"$(make -s -C "$REPO_DIR" dkms-sources) debian/copyright docs/packaging.md"

# make_tarball DIR VERSION: Source0, cls-bpf-VERSION.tar.gz.
make_tarball() {
	local top=$1 version=$2 stage=$1/stage/cls-bpf-$2
	mkdir -p "$stage" "$top/SOURCES"
	(cd "$REPO_DIR" && git ls-files -z --cached --others --exclude-standard -- "${PACKAGE_FILES[@]}" |
		xargs -0 cp --parents -a -t "$stage")
	rm -rf "$stage/compat/generated"
	tar -C "$top/stage" --owner=0 --group=0 -czf "$top/SOURCES/cls-bpf-$version.tar.gz" "cls-bpf-$version"
}

main() {
	local version=${1:-} top spec
	TMP_DIR=$(mktemp -d)
	trap 'rm -rf "$TMP_DIR"' EXIT
	top=$TMP_DIR
	spec=$top/dkms-cls-bpf.spec
	[ -n "$version" ] || version=$(make -s -C "$REPO_DIR" version)
	sed "s/#MODULE_VERSION#/$version/g" "$SPEC" >"$spec"
	make_tarball "$top" "$version"
	# --nodeps: this Debian host has no rpm database to meet BuildRequires.
	rpmbuild --quiet --nodeps --define "_topdir $top" -ba "$spec" >"$top/build.log" 2>&1 || {
		cat "$top/build.log" >&2
		echo "build-rpm: rpmbuild failed" >&2
		return 1
	}
	mkdir -p "$DIST_DIR"
	cp "$top"/SRPMS/*.src.rpm "$top"/RPMS/noarch/*.noarch.rpm "$DIST_DIR/"
	find "$top/RPMS/noarch" -name "*.noarch.rpm" -printf "$DIST_DIR/%f\n"
}

main "$@"
