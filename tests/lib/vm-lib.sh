#!/usr/bin/env bash
# Helpers shared by tests/vm/boot.sh and tests/vm/demo.sh (sourced after
# common.sh, not executed): stage the test tree into a kernel line's chroot,
# boot that chroot's kernel under QEMU TCG with the chroot as 9p root and copy
# the guest's results back. The guest side is tests/vm/guest-init.sh.

VM_GUEST_BASE=/opt/cls-bpf-test
# shellcheck disable=SC2034 # boot.sh scales the default with the test count
VM_TIMEOUT_SET=${VM_TIMEOUT:-}
VM_TIMEOUT=${VM_TIMEOUT:-1200}            # whole VM, seconds; a timeout is a failure
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-300}   # one test script, seconds
VM_MEMORY=${VM_MEMORY:-2048}
VM_SMP=${VM_SMP:-2}                       # vCPUs (-icount boots need 1)
# slub_debug and KFENCE on every allocation catch memory bugs in the suites;
# benchmarks set VM_DEBUG_CMDLINE to turn them off.
VM_DEBUG_CMDLINE=${VM_DEBUG_CMDLINE-slub_debug=FZPU kfence.sample_interval=1}
VM_CMDLINE="console=ttyS0 panic=-1 $VM_DEBUG_CMDLINE ${VM_CMDLINE_EXTRA:-}"
# VM_ICOUNT=shift=0,sleep=off: QEMU's -icount (guest time counts executed
# instructions, independent of host load; single-threaded TCG). With two
# vCPUs such a kernel hangs bringing up the second one: use VM_SMP=1.

# vm_parse_args ARG...: --baseline sets MODE=baseline (default ours); the
# other arguments, in order, go to VM_ARGS. Any other option is an error.
# shellcheck disable=SC2034 # MODE and VM_ARGS are read by the callers
vm_parse_args() {
	local a
	MODE=ours
	VM_ARGS=()
	for a in "$@"; do
		case "$a" in
		--baseline) MODE=baseline ;;
		-*) die "unknown option $a" ;;
		*) VM_ARGS+=("$a") ;;
		esac
	done
}

# Serialise with make-chroot.sh (same lock): nothing rebuilds a chroot that
# a VM is using, and two VMs never share one.
vm_lock() {
	local root=$1
	exec {VM_LOCK_FD}>"$root.lock"
	flock "$VM_LOCK_FD"
}

# The package's version (what /sys/module/cls_bpf/version must say).
vm_expected_version() { make -s -C "$REPO_DIR" version; }

# Fresh copy of the repo's tests/ plus empty artifacts and results dirs.
vm_stage_tree() {
	local root=$1 base=$1$VM_GUEST_BASE
	rm -rf "$base/tests" "$base/extra" "$base/artifacts" "$base/results" "$base/run.conf" \
		"$base/baseline-modules"
	mkdir -p "$base/artifacts" "$base/results" "$base/extra"
	cp -a "$REPO_DIR/tests" "$base/tests"
}

# vm_guest_suite ROOT DIR: print the guest path of a suite directory; suites
# outside the repo's tests/ are copied into the chroot first.
vm_guest_suite() {
	local root=$1 dir
	dir=$(realpath -e "$2")
	case "$dir/" in
	"$REPO_DIR"/tests/*) echo "$VM_GUEST_BASE/tests/${dir#"$REPO_DIR"/tests/}" ;;
	*)
		cp -a "$dir" "$root$VM_GUEST_BASE/extra/"
		echo "$VM_GUEST_BASE/extra/$(basename "$dir")"
		;;
	esac
}

# dkms (updates/) and build-netdevsim.sh (extra/) run depmod themselves;
# redo it if a module there is newer than the index anyway.
vm_refresh_depmod() {
	local root=$1 krel=$2 moddir d
	moddir=$(chroot_module_dir "$root" "$krel")
	for d in "$moddir/updates" "$moddir/extra"; do
		[ -d "$d" ] || continue
		if [ -n "$(find "$d" -newer "$moddir/modules.dep" -print -quit)" ]; then
			chroot "$root" depmod -a "$krel"
			return 0
		fi
	done
}

# Baseline runs must never reach our dkms copy, not even through autoload.
# Build, inside the chroot, a hard-linked copy of the module tree without
# any cls_bpf under updates/ and its own depmod index; guest-run.sh
# bind-mounts it over /lib/modules/KREL for that boot only. Much faster
# than a depmod in the guest (TCG reading every module over 9p).
vm_baseline_modules() {
	local root=$1 krel=$2 moddir base=$1$VM_GUEST_BASE/baseline-modules
	moddir=$(chroot_module_dir "$root" "$krel")
	[ -d "$moddir/updates" ] || return 0
	[ -n "$(find "$moddir/updates" -name 'cls_bpf.ko*' -print -quit)" ] || return 0
	mkdir -p "$base/usr/lib/modules"
	ln -s usr/lib "$base/lib"
	cp -al "$moddir" "$base/usr/lib/modules/$krel"
	find "$base/usr/lib/modules/$krel/updates" -name 'cls_bpf.ko*' -delete
	vm_restore_original "$root" "$krel" "$base/usr/lib/modules/$krel"
	chroot "$root" depmod -b "$VM_GUEST_BASE/baseline-modules" "$krel"
}

# dkms >= 3.1 moves the in-tree module it replaces to
# /var/lib/dkms/PKG/original_module/KREL/ARCH/ (its old path in NAME.origin);
# put it back into the baseline tree.
vm_restore_original() {
	local root=$1 krel=$2 tree=$3 origin rel
	for origin in "$root"/var/lib/dkms/*/original_module/"$krel"/*/cls_bpf.ko*.origin; do
		[ -f "$origin" ] || continue
		rel=$(cat "$origin")
		rel=${rel#/usr}
		rel=${rel#/lib/modules/"$krel"/}
		echo "restoring the in-tree module dkms set aside: $rel"
		mkdir -p "$(dirname "$tree/$rel")"
		ln -f "${origin%.origin}" "$tree/$rel"
	done
}

# vm_build_artifacts OUTDIR: host-built, kernel-independent test inputs:
# tests/artifacts/build.sh (BPF objects, static libbpf client) and every
# suite's tests/SUITE/build-objects.sh, each called with OUTDIR.
vm_build_artifacts() {
	local out=$1 script rc=0
	for script in "$REPO_DIR/tests/artifacts/build.sh" "$REPO_DIR"/tests/*/build-objects.sh; do
		[ -f "$script" ] || continue
		echo "== $script $out"
		bash "$script" "$out" || { echo "FAILED: $script"; rc=1; }
	done
	return "$rc"
}

# Artifacts land in the chroot's $VM_GUEST_BASE/artifacts (TEST_ARTIFACTS in
# the guest): copied from $VM_ARTIFACTS when set (built once by check.sh),
# built here otherwise.
vm_artifacts() {
	local root=$1 log=$2 out=$1$VM_GUEST_BASE/artifacts
	if [ -n "${VM_ARTIFACTS:-}" ]; then
		cp -a "$VM_ARTIFACTS/." "$out/"
	else
		vm_build_artifacts "$out" >"$log" 2>&1
	fi
}

# vm_write_conf ROOT ENTRY ARGS...: what guest-init.sh runs.
vm_write_conf() {
	local root=$1 entry=$2
	shift 2
	{
		printf 'VM_ENTRY=%q\n' "$entry"
		printf 'VM_RESULTS=%q\n' "$VM_GUEST_BASE/results"
		printf 'VM_ARGS=('
		printf '%q ' "$@"
		printf ')\n'
	} >"$root$VM_GUEST_BASE/run.conf"
}

# Every VM runs 2 TCG vCPUs; more VMs than cores/2 at once only makes all
# of them crawl (and tests time out). Wait for one of VM_PARALLEL machine-
# wide slots (default nproc/2, at least 1); the slot is held by fd VM_SLOT_FD.
vm_acquire_slot() {
	local n=${VM_PARALLEL:-$(($(nproc) / 2))} i said=''
	[ "$n" -ge 1 ] || n=1
	mkdir -p "$CACHE_DIR/vm-slots"
	if [ "$n" = 1 ]; then
		# One slot: block in the kernel, woken the moment it is released
		# (polling loses that race to whoever comes next).
		exec {VM_SLOT_FD}>"$CACHE_DIR/vm-slots/0"
		flock -n "$VM_SLOT_FD" && return 0
		echo "waiting for the VM slot (one VM at a time; VM_PARALLEL)" >&2
		flock "$VM_SLOT_FD"
		return 0
	fi
	while :; do
		for ((i = 0; i < n; i++)); do
			exec {VM_SLOT_FD}>"$CACHE_DIR/vm-slots/$i"
			flock -n "$VM_SLOT_FD" && return 0
			exec {VM_SLOT_FD}>&-
		done
		[ -n "$said" ] || echo "waiting for a free VM slot ($n at a time; VM_PARALLEL)" >&2
		said=1
		sleep 3
	done
}

vm_release_slot() { exec {VM_SLOT_FD}>&-; }

# vm_boot LINE CONSOLE_LOG: boot the line's kernel with its chroot as root;
# returns QEMU's status (124 when the VM timed out) and sets VM_SECONDS to
# the VM's wall-clock run time (not counting the wait for a slot). VM_VERBOSE=1 streams
# the serial console to stdout as well.
vm_boot() {
	local line=$1 console=$2 root krel initrd rc=0
	root=$(chroot_dir "$line")
	krel=$(chroot_kernel_release "$line")
	initrd=$("$REPO_DIR/tests/lib/vm-initramfs.sh" "$line")
	local qemu=(timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max
		-m "$VM_MEMORY" -smp "$VM_SMP" -nographic -no-reboot -monitor none -nic none
		-kernel "$root/boot/vmlinuz-$krel" -initrd "$initrd" -append "$VM_CMDLINE"
		-fsdev "local,id=r,path=$root,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=r,mount_tag=root")
	[ -z "${VM_ICOUNT:-}" ] || qemu+=(-icount "$VM_ICOUNT")
	vm_acquire_slot
	VM_STARTED=$SECONDS
	# timeout(1) runs QEMU in its own process group: stop it with us.
	if [ "${VM_VERBOSE:-0}" = 1 ]; then
		# (minus the firmware's terminal escapes, which would clear the screen)
		"${qemu[@]}" </dev/null > >(tee "$console" | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; s/\r$//') 2>&1 &
	else
		"${qemu[@]}" </dev/null >"$console" 2>&1 &
	fi
	VM_PID=$!
	trap 'kill -- -"$VM_PID" 2>/dev/null; exit 130' INT TERM HUP
	wait "$VM_PID" || rc=$?
	trap - INT TERM HUP
	# shellcheck disable=SC2034 # read by the callers
	VM_SECONDS=$((SECONDS - VM_STARTED))
	vm_release_slot
	return "$rc"
}

# Copy the guest's results dir to HOSTDIR.
vm_collect() {
	local root=$1 hostdir=$2
	cp -a "$root$VM_GUEST_BASE/results/." "$hostdir/"
}
