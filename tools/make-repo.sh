#!/usr/bin/env bash
# A signed apt repository of cls-bpf-dkms (reprepro) for every Debian suite
# of tests/kernels.list, signed with a throw-away OpenPGP key made on first use.
# Usage: make-repo.sh [DEB...]   (default: build the current .deb)
#   APT_REPO (default dist/repo) holds conf/, db/ and gnupg/ (the private key,
#   never published); APT_REPO/public is what a web server serves: dists/,
#   pool/ and cls-bpf-dkms.gpg, the public key for sources.list's Signed-By.
# A .deb replaces whatever version of its package a suite holds.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
APT_REPO=${APT_REPO:-$REPO_DIR/dist/repo}
KEY_NAME="cls-bpf-dkms throw-away repository key <dev@cls-bpf-dkms.invalid>"
export GNUPGHOME=$APT_REPO/gnupg

# The root and kernel suites of tests/kernels.list, once each.
suites() {
	awk '!/^#/ && NF { print $2; print $3 }' "$REPO_DIR/tests/kernels.list" | awk '!seen[$0]++'
}

# The key's fingerprint, generating the key on first use (and again once it
# has expired).
signing_key() {
	if [ -d "$GNUPGHOME" ] &&
		gpg --batch --with-colons --list-secret-keys 2>/dev/null | grep -q '^sec:e:'; then
		rm -rf "$GNUPGHOME"
	fi
	if [ ! -d "$GNUPGHOME" ]; then
		mkdir -p "$APT_REPO"
		mkdir -m 700 "$GNUPGHOME"
		gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
			--quick-gen-key "$KEY_NAME" rsa3072 sign 2y 2>/dev/null ||
			{ echo "make-repo: no key generated in $GNUPGHOME" >&2; return 1; }
	fi
	gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr:/ { print $10; exit }'
}

# write_conf FPR: one reprepro distribution per suite.
write_conf() {
	local fpr=$1 suite
	mkdir -p "$APT_REPO/conf"
	for suite in $(suites); do
		printf 'Origin: cls-bpf-dkms\nLabel: cls-bpf-dkms\nCodename: %s\n' "$suite"
		printf 'Architectures: amd64\nComponents: main\nSignWith: %s\n' "$fpr"
		printf 'Description: cls-bpf-dkms for %s\n\n' "$suite"
	done >"$APT_REPO/conf/distributions"
}

reprepro_() { reprepro --silent -b "$APT_REPO" --outdir "$APT_REPO/public" "$@"; }

main() {
	local debs=("$@") fpr suite deb
	if [ ${#debs[@]} = 0 ]; then
		DIST_DIR=$REPO_DIR/dist "$REPO_DIR/tools/build-deb.sh" >/dev/null
		debs=("$REPO_DIR/dist/cls-bpf-dkms_$(make -s -C "$REPO_DIR" version)_all.deb")
	fi
	mkdir -p "$APT_REPO/public"
	trap 'gpgconf --kill all' EXIT
	fpr=$(signing_key)
	[ -n "$fpr" ] || { echo "make-repo: no signing key in $GNUPGHOME" >&2; exit 1; }
	write_conf "$fpr"
	gpg --batch --export "$fpr" >"$APT_REPO/public/cls-bpf-dkms.gpg"
	reprepro_ export
	for suite in $(suites); do
		for deb in "${debs[@]}"; do
			reprepro_ remove "$suite" "$(dpkg-deb -f "$deb" Package)" 2>/dev/null
			reprepro_ includedeb "$suite" "$deb"
		done
	done
	echo "make-repo: $APT_REPO/public: $(suites | tr '\n' ' ')signed by $fpr"
}

main "$@"
exit
