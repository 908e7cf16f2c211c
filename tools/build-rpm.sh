#!/usr/bin/env bash
# Build the dkms-cls-bpf source and noarch binary RPMs into dist/ with
# rpmbuild, from the repository's tracked and not-ignored package files.
# Usage: build-rpm.sh [VERSION]  (VERSION: build that version instead)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
DIST_DIR=${DIST_DIR:-$REPO_DIR/dist}
SPEC=$REPO_DIR/rpm/dkms-cls-bpf.spec
PACKAGE_FILES=(dkms.conf Makefile Kbuild src compat debian/copyright docs/packaging.md)

spec_version() { sed -n 's/^Version:[[:space:]]*//p' "$1"; }

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
	cp "$SPEC" "$spec"
	if [ -n "$version" ]; then
		sed -i "s/^Version:.*/Version:        $version/" "$spec"
	fi
	version=$(spec_version "$spec")
	make_tarball "$top" "$version"
	rpmbuild --quiet --define "_topdir $top" -ba "$spec" >"$top/build.log" 2>&1 || {
		cat "$top/build.log" >&2
		echo "build-rpm: rpmbuild failed" >&2
		return 1
	}
	mkdir -p "$DIST_DIR"
	cp "$top"/SRPMS/*.src.rpm "$top"/RPMS/noarch/*.noarch.rpm "$DIST_DIR/"
	find "$top/RPMS/noarch" -name "*.noarch.rpm" -printf "$DIST_DIR/%f\n"
}

main "$@"
