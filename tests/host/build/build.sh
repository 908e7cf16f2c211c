#!/usr/bin/env bash
# The build stage, once per kernel and run: install our .deb into the run's
# overlay the way a user does (apt install ./cls-bpf-dkms_VERSION_all.deb,
# dkms builds and installs through the package's hooks), then check that
# build: dkms installed it for the kernel under updates/dkms, its make.log has
# no compiler or modpost warning, the module's recorded probe results
# (modinfo -F cbpf_probes) are tests/host/build/probe-results/LINE.txt, and
# its classify path calls nothing the in-tree module's does not. Adds the
# probe results to the run record (K_PROBES). Writes OUT/make.log,
# OUT/probes.txt, OUT/classify-calls.txt, OUT/apt.log; with BUILD_TIMES=1
# (make bench) also OUT/build-times.tsv, .raw and .log (see time_build).
# Usage: build.sh RUN_RECORD DEB OUT   (BUILD_UPDATE_PROBES=1 records the
# probe results instead of comparing them)
set -euo pipefail
# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/../lib.sh"

RECORDED=$HOST_DIR/build/probe-results

install_deb() {
	local deb=$1 out=$2 name
	name=$(basename "$deb")
	cp "$deb" "$K_RUN_ROOT/tmp/$name"
	progress "$K_LINE" package "apt install ./$name"
	if ! in_root "$K_RUN_ROOT" apt-get install -y -q -o Dpkg::Use-Pty=0 "/tmp/$name" >"$out/apt.log" 2>&1; then
		tail -n 30 "$out/apt.log" >&2
		progress "$K_LINE" package "FAILED: apt install ./$name ($out/apt.log)"
		return 1
	fi
	rm -f "$K_RUN_ROOT/tmp/$name"
}

# DKMS keeps the build log per kernel (dkms 2) or in the build dir (dkms 3).
save_make_log() {
	local out=$1 log
	log=$(compgen -G "$K_RUN_ROOT/var/lib/dkms/cls-bpf/*/$K_KREL/$(uname -m)/log/make.log" ||
		compgen -G "$K_RUN_ROOT/var/lib/dkms/cls-bpf/*/build/make.log") || true
	cp "${log%%$'\n'*}" "$out/make.log" 2>/dev/null || : >"$out/make.log"
}

check_installed() {
	local path
	if ! in_root "$K_RUN_ROOT" dkms status cls-bpf -k "$K_KREL" | grep -q installed ||
		! path=$(in_root "$K_RUN_ROOT" modinfo -k "$K_KREL" -n cls_bpf) ||
		[[ $path != */updates/dkms/* ]]; then
		tail -n 40 "$1/make.log" >&2
		progress "$K_LINE" build "FAILED: dkms did not install cls_bpf for $K_KREL (make.log: $1/make.log)"
		return 1
	fi
	progress "$K_LINE" build "installed $path"
}

check_warnings() {
	local log=$1/make.log
	[ -s "$log" ] || { progress "$K_LINE" warnings "FAILED: no make.log from dkms"; return 1; }
	if grep -nE 'warning:|WARNING:|error:' "$log" >&2; then
		progress "$K_LINE" warnings "FAILED: the build log above has warnings ($log)"
		return 1
	fi
	progress "$K_LINE" warnings "none"
}

# The probe results the module itself records ("name=1 name=0 ..."), as
# recorded for the line; a debug line's are its distro line's (the same
# source, so the same API).
check_probes() {
	local out=$1 summary got=$1/probes.txt expect
	expect=$K_LINE
	if is_debug_line "$K_LINE"; then expect=$(debug_base "$K_LINE"); fi
	summary=$(in_root "$K_RUN_ROOT" modinfo -k "$K_KREL" -F cbpf_probes cls_bpf) || summary=''
	[ -n "$summary" ] || { progress "$K_LINE" probes "FAILED: the module records no cbpf_probes"; return 1; }
	record_add "$RUN_RECORD" K_PROBES "$summary"
	tr ' ' '\n' <<<"$summary" | awk -F= '{ printf "%-36s %s\n", $1, ($2 == 1 ? "yes" : "no") }' >"$got"
	if [ "${BUILD_UPDATE_PROBES:-0}" = 1 ] && [ "$expect" = "$K_LINE" ]; then
		mkdir -p "$RECORDED"
		cp "$got" "$RECORDED/$K_LINE.txt"
	fi
	if ! diff -u "$RECORDED/$expect.txt" "$got" >&2; then
		progress "$K_LINE" probes "FAILED: results differ from tests/host/build/probe-results/$expect.txt (review, then rerun make check-build with BUILD_UPDATE_PROBES=1)"
		return 1
	fi
	progress "$K_LINE" probes "$(grep -c ' yes$' "$got") of $(wc -l <"$got") matched, as recorded"
}

# Ours (as dkms installed it) against the in-tree module of the same kernel.
check_classify_calls() {
	local out=$1 moddir ours intree
	moddir=$K_RUN_ROOT$K_MODDIR
	ours=$(compgen -G "$moddir/updates/dkms/cls_bpf.ko*" | head -n 1) || true
	# dkms >= 3.1 moves the in-tree module it replaces to original_module/
	intree=$({ compgen -G "$moddir/kernel/net/sched/cls_bpf.ko*" ||
		compgen -G "$K_RUN_ROOT/var/lib/dkms/*/original_module/$K_KREL/*/cls_bpf.ko*"; } |
		grep -v '\.origin$' | head -n 1) || true
	if [ -z "$ours" ] || [ -z "$intree" ]; then
		progress "$K_LINE" classify "FAILED: no module (ours: '${ours}', in-tree: '${intree}')"
		return 1
	fi
	if ! "$HOST_DIR/build/classify-calls.sh" "$ours" "$intree" >"$out/classify-calls.txt" 2>&1; then
		cat "$out/classify-calls.txt" >&2
		progress "$K_LINE" classify "FAILED: the classify path uses more than the in-tree module's ($out/classify-calls.txt)"
		return 1
	fi
	progress "$K_LINE" classify "no call or symbol the in-tree classify lacks"
}

# The inner script of time_build: the DKMS tree ($1) copied to a scratch
# directory and built as dkms builds it, for kernel $2, twice: from clean
# (probes and compile), then with only the core touched (kbuild keeps the
# probe results: compile and link alone). Prints "total S" and "compile S".
# shellcheck disable=SC2016 # expanded by the root's bash
TIME_BUILD_SH='set -euo pipefail
rm -rf /tmp/cbpf-time
cp -a "$1" /tmp/cbpf-time
cd /tmp/cbpf-time
timed() {
	local s=$EPOCHREALTIME
	make -j"$(nproc)" KDIR="/lib/modules/$2/build" KERNELRELEASE="$2" module >/dev/null || exit 1
	awk -v a="$s" -v b="$EPOCHREALTIME" "BEGIN { printf \"%.1f\", b - a }"
}
t=$(timed "$@")
echo "total $t"
touch src/cls_bpf.c
t=$(timed "$@")
echo "compile $t"
rm -rf /tmp/cbpf-time'

# time_build OUT: with BUILD_TIMES=1, how long the DKMS build takes on this
# kernel, split into the probe stage (the whole build minus the compile)
# and the compile; OUT/build-times.tsv rows "LINE probes|compile|total S".
# A side measurement: its failure is said, and fails nothing.
time_build() {
	local out=$1 tree total compile
	[ "${BUILD_TIMES:-0}" = 1 ] || return 0
	tree=$(cd "$K_RUN_ROOT" && compgen -G "usr/src/cls-bpf-*" | head -n 1) ||
		{ progress "$K_LINE" build-time "not measured: no DKMS tree"; return 0; }
	if ! in_build_root "$K_RUN_ROOT" bash -c "$TIME_BUILD_SH" time-build "/$tree" "$K_KREL" \
		>"$out/build-times.raw" 2>"$out/build-times.log"; then
		progress "$K_LINE" build-time "not measured: the timing build failed ($out/build-times.log)"
		return 0
	fi
	total=$(awk '$1 == "total" { print $2 }' "$out/build-times.raw")
	compile=$(awk '$1 == "compile" { print $2 }' "$out/build-times.raw")
	awk -v l="$K_LINE" -v t="$total" -v c="$compile" \
		'BEGIN { printf "%s\tprobes\t%.1f\n%s\tcompile\t%.1f\n%s\ttotal\t%.1f\n", l, t - c, l, c, l, t }' \
		>"$out/build-times.tsv"
	progress "$K_LINE" build-time "$(awk '{ printf "%s %s s; ", $2, $3 }' "$out/build-times.tsv")(make -j$(nproc))"
}

main() {
	RUN_RECORD=${1:?usage: build.sh RUN_RECORD DEB OUT}
	local deb=${2:?usage: build.sh RUN_RECORD DEB OUT} out=${3:?usage: build.sh RUN_RECORD DEB OUT} rc=0
	load_record "$RUN_RECORD"
	[ -f "$deb" ] || die "no package at $deb"
	rm -rf "$out"
	mkdir -p "$out"
	install_deb "$deb" "$out" || rc=1
	save_make_log "$out"
	[ "$rc" = 0 ] || return 1
	check_installed "$out" && check_warnings "$out" && check_probes "$out" && check_classify_calls "$out" &&
		time_build "$out"
}

main "$@"
