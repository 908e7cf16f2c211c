#!/usr/bin/env bash
# Debian package test: in a run overlay of each kernel line's root, add our
# signed apt repository (tools/make-repo.sh, served over http), install,
# extend to a second kernel, skip unusable kernels, upgrade to a newer
# published version, remove and purge cls-bpf-dkms the way a user does (apt),
# and check what DKMS and modinfo say (module signature included).
# Usage: deb.sh [LINE...]   (default: every line of tests/kernels.list whose
# root suite is not already tested: 5.10 6.1 6.12 7.2)
set -euo pipefail
# shellcheck source=tests/host/packages/lib.sh
. "$(dirname "$0")/lib.sh"

WORK=$PKGTEST_DIR/deb
REPO=$WORK/repo
KEYRING=/etc/apt/keyrings/cls-bpf-dkms.gpg
SOURCES=/etc/apt/sources.list.d/cls-bpf-dkms.sources

# build_debs: the current version and a bumped one for the upgrade test.
build_debs() {
	local v
	build_two_versions build-deb.sh
	for v in "$V1" "$V2"; do
		[ -f "$WORK/cls-bpf-dkms_${v}_all.deb" ] || die "no .deb for $v in $WORK"
	done
	publish "$WORK/cls-bpf-dkms_${V1}_all.deb" || die "no repository: $WORK/repo.log"
	REPO_FPR=$(sed -n 's/.* signed by \([0-9A-F]*\)$/\1/p' "$WORK/repo.log" | tail -n 1)
	[ -n "$REPO_FPR" ] || die "no repository key fingerprint in $WORK/repo.log"
	make_other_key
}

# publish DEB: DEB in every suite of the signed repository (replacing the
# version there).
publish() { APT_REPO=$REPO "$REPO_DIR/tools/make-repo.sh" "$1" >>"$WORK/repo.log" 2>&1; }

# serve_repo: the repository's public part over http on a free local port,
# at $REPO_URL until the script exits.
serve_repo() {
	local port=
	python3 -u -m http.server --bind 127.0.0.1 --directory "$REPO/public" 0 >"$WORK/http.log" 2>&1 &
	HTTP_PID=$!
	at_exit stop_repo_server
	for _ in $(seq 50); do
		port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\).*/\1/p' "$WORK/http.log")
		[ -z "$port" ] || break
		sleep 0.2
	done
	[ -n "$port" ] || die "the repository's http server did not start: $WORK/http.log"
	REPO_URL=http://127.0.0.1:$port/
	progress all repo "signed repository ($(tail -n 1 "$WORK/repo.log" | sed 's/.*signed by/key/')) at $REPO_URL"
}

stop_repo_server() { [ -z "${HTTP_PID:-}" ] || kill "$HTTP_PID" 2>/dev/null; }

OTHER_GNUPG=$WORK/other-gnupg
stop_other_agent() { GNUPGHOME=$OTHER_GNUPG gpgconf --kill all 2>/dev/null; }

# A key that did not sign the repository, for the refusal check.
make_other_key() {
	mkdir -m 700 "$OTHER_GNUPG"
	at_exit stop_other_agent
	GNUPGHOME=$OTHER_GNUPG gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "not the repository key <other@cls-bpf-dkms.invalid>" ed25519 sign 1d 2>/dev/null
	GNUPGHOME=$OTHER_GNUPG gpg --batch --export >"$WORK/other-key.gpg" 2>/dev/null
	stop_other_agent
	[ -s "$WORK/other-key.gpg" ] || die "no second key in $WORK/other-key.gpg"
}

# lintian (bookworm's, on the host) on the source and binary packages:
# no errors or warnings; overrides carry their reasons.
lint_debs() {
	local log=$CACHE_DIR/results/packages/deb/lintian.log
	mkdir -p "${log%/*}"
	lintian --pedantic --fail-on error,warning "$WORK"/cls-bpf-dkms_"$V1"_*.changes \
		"$WORK/cls-bpf-dkms_$V1.dsc" >"$log" 2>&1
}

# The first line of each root suite: every Debian release the package is
# installed on once (sid's kernel line, not experimental's).
one_line_per_root_suite() { awk '!/^#/ && NF && !seen[$2]++ { print $1 }' "$KERNELS_LIST"; }

# add_source ROOT SUITE KEY: our repository in ROOT's sources (deb822, as
# sources.list(5) recommends), trusted through KEY only (Signed-By).
add_source() {
	local root=$1 suite=$2 key=$3
	mkdir -p "$root${KEYRING%/*}"
	install -m 644 "$key" "$root$KEYRING"
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$REPO_URL" "$suite" "$KEYRING" >"$root$SOURCES"
}

# apt_ours ROOT ARGS...: apt-get with our source only. Updates keep the
# root's Debian lists as the root was built and an upgrade sees no Debian
# package, so the test does not depend on what the archive holds today.
apt_ours() {
	local root=$1
	shift
	apt_in "$root" -o Dir::Etc::SourceList="$SOURCES" -o Dir::Etc::SourceParts=/dev/null \
		-o APT::Get::List-Cleanup=0 "$@"
}

# candidate_from_repo ROOT VERSION: apt's candidate is VERSION, and our
# repository is where it comes from.
candidate_from_repo() {
	local policy
	policy=$(in_root "$1" apt-cache policy cls-bpf-dkms) || return 1
	grep -qx "  Candidate: $2" <<<"$policy" && grep -qF "${REPO_URL%/}" <<<"$policy"
}

# refused_unsigned LOG ROOT: apt-get update failed because it lacks our
# repository's key (gpgv: "NO_PUBKEY <key id>", sqv: "Missing key <fpr>"),
# and apt has no cls-bpf-dkms to install.
refused_unsigned() {
	grep -qE "NO_PUBKEY ${REPO_FPR: -16}|Missing key $REPO_FPR" "$1" &&
		! in_root "$2" apt-cache policy cls-bpf-dkms | grep -q 'Candidate: [0-9]'
}

# A clean dpkg state: nothing half-installed, our package "ii" or absent.
dpkg_clean() {
	local root=$1 want=$2 state
	[ -z "$(in_root "$root" dpkg --audit)" ] || return 1
	# shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
	state=$(in_root "$root" dpkg-query -W -f='${db:Status-Abbrev}' cls-bpf-dkms 2>/dev/null || true)
	case "$want" in
	installed) [ "${state% }" = ii ] ;;
	purged) [ -z "$state" ] || [ "${state% }" = un ] || [ "${state% }" = pn ] ;;
	removed) [ "${state% }" = rc ] || [ -z "$state" ] ;;
	esac
}

# Two kernels DKMS must skip: one without headers, one whose (faked) config
# has the classifier built in.
add_fake_kernels() {
	local root=$1 kernel=$2 build
	NOHDR=${kernel%-amd64}-nohdr-amd64
	BUILTIN=${kernel%-amd64}-builtin-amd64
	mkdir -p "$root/lib/modules/$NOHDR/kernel"
	build=$(in_root "$root" readlink -f "/lib/modules/$kernel/build")
	cp -a "$root$build" "$root/usr/src/linux-headers-$BUILTIN"
	sed -i 's/^CONFIG_NET_CLS_BPF=m/CONFIG_NET_CLS_BPF=y/' \
		"$root/usr/src/linux-headers-$BUILTIN/.config" \
		"$root/usr/src/linux-headers-$BUILTIN/include/config/auto.conf"
	mkdir -p "$root/lib/modules/$BUILTIN"
	ln -s "/usr/src/linux-headers-$BUILTIN" "$root/lib/modules/$BUILTIN/build"
}

# No module file under either fake kernel (an absent one is not a module).
nothing_for_fake_kernels() {
	local root=$1 k
	for k in "$NOHDR" "$BUILTIN"; do
		! compgen -G "$root/lib/modules/$k/updates/dkms/cls_bpf.ko*" >/dev/null || return 1
	done
}

remove_fake_kernels() {
	local root=$1
	rm -rf "${root:?}/lib/modules/$NOHDR" "${root:?}/lib/modules/$BUILTIN" \
		"${root:?}/usr/src/linux-headers-$BUILTIN"
}

# A second header package of the same ABI (another flavour) from the root's suite.
second_headers() {
	local root=$1 kernel=$2 flavour pkg
	for flavour in cloud-amd64 rt-amd64; do
		pkg=linux-headers-${kernel%-amd64}-$flavour
		if in_root "$root" apt-cache show "$pkg" >/dev/null 2>&1; then
			echo "$pkg"
			return 0
		fi
	done
	return 1
}

stage_repo() {
	local line=$1 root=$2 suite=$3 out=$4 rc=0
	progress "$line" repo "$REPO_URL $suite, Signed-By a key that did not sign it"
	add_source "$root" "$suite" "$WORK/other-key.gpg"
	apt_ours "$root" update >"$out/repo-wrong-key.log" 2>&1 || rc=$?
	check "$line" repo "apt-get update refuses the repository signed by another key (rc $rc)" \
		test "$rc" != 0
	check "$line" repo "no cls-bpf-dkms from a repository apt cannot verify" \
		refused_unsigned "$out/repo-wrong-key.log" "$root"
	progress "$line" repo "$REPO_URL $suite, Signed-By the repository's key"
	add_source "$root" "$suite" "$REPO/public/cls-bpf-dkms.gpg"
	apt_ours "$root" update >"$out/repo.log" 2>&1 || true
	check "$line" repo "apt-get update: candidate $V1 from $REPO_URL $suite" \
		candidate_from_repo "$root" "$V1"
}

# dkms_signs ROOT: ROOT's dkms signs the modules it builds (it knows
# mok_signing_key: dkms 3; dkms 2.8 does not sign).
dkms_signs() { grep -q mok_signing_key "$1/usr/sbin/dkms"; }

# signed_as_dkms_does ROOT KERNEL: where ROOT's dkms signs, our module is
# signed by the key dkms made (/var/lib/dkms/mok.pub); elsewhere, unsigned.
signed_as_dkms_does() {
	local root=$1 kernel=$2 path signer sig_key serial
	path=$(in_root "$root" modinfo -k "$kernel" -n cls_bpf) || return 1
	signer=$(in_root "$root" modinfo -F signer "$path")
	if ! dkms_signs "$root"; then
		[ -z "$signer" ] && [ -z "$(in_root "$root" modinfo -F sig_id "$path")" ]
		return
	fi
	[ "$signer" = "DKMS module signing key" ] || return 1
	sig_key=$(in_root "$root" modinfo -F sig_key "$path" | tr -d ':')
	serial=$(openssl x509 -inform DER -in "$root/var/lib/dkms/mok.pub" -noout -serial) || return 1
	[ -n "$sig_key" ] && [ "${serial#serial=}" = "${sig_key^^}" ]
}

signing_message() {
	if dkms_signs "$1"; then
		echo "module signed by the dkms key (modinfo signer, sig_key = /var/lib/dkms/mok.pub serial)"
	else
		echo "module unsigned: this release's dkms does not sign modules"
	fi
}

stage_install() {
	local line=$1 root=$2 kernel=$3 out=$4
	add_fake_kernels "$root" "$kernel"
	progress "$line" install "apt-get install cls-bpf-dkms (from the repository)"
	apt_in "$root" install cls-bpf-dkms >"$out/install.log" 2>&1 || true
	check "$line" install "dpkg state clean (ii, dpkg --audit empty)" dpkg_clean "$root" installed
	check "$line" install "$NAME/$V1 installed for $kernel (updates/dkms)" installed_for "$root" "$V1" "$kernel"
	check "$line" sign "$(signing_message "$root")" signed_as_dkms_does "$root" "$kernel"
	check "$line" skip "no headers: $NOHDR skipped with a message" \
		grep -q "skipping kernel $NOHDR: its headers are not installed" "$out/install.log"
	check "$line" skip "CONFIG_NET_CLS_BPF=y: $BUILTIN skipped with a message" \
		grep -q "skipping kernel $BUILTIN: it has the bpf classifier built in" "$out/install.log"
	check "$line" skip "nothing installed for the skipped kernels" nothing_for_fake_kernels "$root"
	remove_fake_kernels "$root"
}

stage_second_kernel() {
	local line=$1 root=$2 kernel=$3 out=$4 pkg
	if ! pkg=$(second_headers "$root" "$kernel"); then
		fail "$line" hook "no second header package for ${kernel%-amd64} found"
		return 0
	fi
	KERNEL2=${pkg#linux-headers-}
	progress "$line" hook "apt install $pkg"
	apt_in "$root" install "$pkg" >"$out/hook.log" 2>&1 ||
		{ apt_in "$root" update >>"$out/hook.log" 2>&1 && apt_in "$root" install "$pkg" >>"$out/hook.log" 2>&1; } || true
	check "$line" hook "$NAME/$V1 built and installed for $KERNEL2 by the dkms hook" \
		installed_for "$root" "$V1" "$KERNEL2"
}

stage_upgrade() {
	local line=$1 root=$2 kernel=$3 out=$4 kernels=$3
	[ -z "${KERNEL2:-}" ] || kernels="$kernel $KERNEL2"
	install_window_probe "$root" "$kernels"
	progress "$line" upgrade "$V2 published; apt-get update, apt-get upgrade (from $V1)"
	{ apt_ours "$root" update && apt_ours "$root" upgrade; } >"$out/upgrade.log" 2>&1 || true
	remove_window_probe "$root"
	cp "$root/tmp/dkms-window.log" "$out/dkms-window.log"
	check "$line" upgrade "dpkg state clean" dpkg_clean "$root" installed
	local k
	for k in $kernels; do
		check "$line" upgrade "$NAME/$V2 installed for $k" installed_for "$root" "$V2" "$k"
	done
	check "$line" upgrade "$NAME/$V1 gone from DKMS" test ! -e "$root/var/lib/dkms/$NAME/$V1"
	check "$line" upgrade "no window without the module (dkms-window.log)" no_window "$root" "$V1" "$V2"
	check "$line" sign "$V2: $(signing_message "$root")" signed_as_dkms_does "$root" "$kernel"
}

stage_remove() {
	local line=$1 root=$2 kernel=$3 out=$4
	progress "$line" remove "apt remove cls-bpf-dkms"
	apt_in "$root" remove cls-bpf-dkms >"$out/remove.log" 2>&1 || true
	check "$line" remove "dpkg state clean" dpkg_clean "$root" removed
	check "$line" remove "in-tree module back for $kernel" in_tree_for "$root" "$kernel"
	apt_in "$root" purge cls-bpf-dkms >>"$out/remove.log" 2>&1 || true
	check "$line" purge "dpkg state clean" dpkg_clean "$root" purged
	check "$line" purge "nothing left (/usr/src, /var/lib/dkms, updates/dkms)" nothing_left "$root"
}

test_line() {
	local line=$1 root kernel out
	start_line deb "$line"
	root=$ROOT kernel=$KERNEL out=$OUT
	KERNEL2=
	publish "$WORK/cls-bpf-dkms_${V1}_all.deb" || die "cannot publish $V1: $WORK/repo.log"
	stage_repo "$line" "$root" "$(record_get "$RUN" K_ROOT_SUITE)" "$out"
	stage_install "$line" "$root" "$kernel" "$out"
	stage_second_kernel "$line" "$root" "$kernel" "$out"
	publish "$WORK/cls-bpf-dkms_${V2}_all.deb" || die "cannot publish $V2: $WORK/repo.log"
	stage_upgrade "$line" "$root" "$kernel" "$out"
	stage_remove "$line" "$root" "$kernel" "$out"
	end_line
}

main() {
	local lines=("$@") line
	[ $# -gt 0 ] || mapfile -t lines < <(one_line_per_root_suite)
	mkdir -p "$PKGTEST_DIR"
	exec 8>"$PKGTEST_DIR/deb.lock"
	flock 8
	progress all build "cls-bpf-dkms .debs (current and bumped version)"
	build_debs
	serve_repo
	check all lintian "lintian --pedantic: no errors or warnings" lint_debs
	for line in "${lines[@]}"; do
		test_line "$line"
	done
	progress all logs "$CACHE_DIR/results/packages/deb/LINE/*.log"
	summary
}

main "$@"
