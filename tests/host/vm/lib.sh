#!/usr/bin/env bash
# Helpers of the VM stage (sourced after tests/host/lib.sh, not executed):
# put the guest tree, the guest inputs and netdevsim into a run's overlay,
# boot the kernel under QEMU TCG with that overlay as its 9p root and copy
# the guest's results back. The guest side is tests/guest/init.sh.

VM_GUEST_BASE=/opt/cls-bpf-test
# shellcheck disable=SC2034 # boot.sh scales the default with the test count
VM_TIMEOUT_SET=${VM_TIMEOUT:-}
VM_TIMEOUT=${VM_TIMEOUT:-1200}            # whole VM, seconds; a timeout is a failure
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-300}   # one test script, seconds
VM_MEMORY=${VM_MEMORY:-2048}
VM_SMP=${VM_SMP:-2}                       # vCPUs (-icount boots need 1)
# The vCPU: QEMU's "max" without LA57 (4-level paging). With LA57 a 7.x
# kernel decides pgtable_l5_enabled() from the boot CPU's capability words,
# which identify_cpu() clears and re-reads during boot: an interrupt in that
# window sees the 5-level direct map (ff11...) as non-canonical, and under
# KASAN reports a wild-memory-access in do_raw_spin_lock() from
# handle_edge_irq() (7.3-rc7 debug kernel: two of its last three runs
# here, on a loaded host, before any module was loaded).
VM_CPU=${VM_CPU:-max,la57=off}
# slub_debug and KFENCE on every allocation catch memory bugs in the suites;
# benchmarks set VM_DEBUG_CMDLINE to turn them off.
VM_DEBUG_CMDLINE=${VM_DEBUG_CMDLINE-slub_debug=FZPU kfence.sample_interval=1}
# log_buf_len: room for every report of a run (the faults suite's injected
# failures alone fill Debian's 128 KiB), so the final kernel-log check sees
# the whole boot.
VM_CMDLINE="console=ttyS0 panic=-1 log_buf_len=16M $VM_DEBUG_CMDLINE ${VM_CMDLINE_EXTRA:-}"
# VM_ICOUNT=shift=0,sleep=off: QEMU's -icount (guest time counts executed
# instructions, independent of host load; single-threaded TCG). With two
# vCPUs such a kernel hangs bringing up the second one: use VM_SMP=1.

# The package's version (what /sys/module/cls_bpf/version must say).
vm_expected_version() { echo "${VM_EXPECTED_VERSION:-$(make -s -C "$REPO_DIR" version)}"; }

# vm_stage RUN_ROOT INPUTS: the guest tree (tests/guest), the guest inputs
# (tests/host/inputs/build.sh's OUTDIR) and an empty results dir, into the
# run's overlay at $VM_GUEST_BASE.
vm_stage() {
	local inputs=$2 base=$1$VM_GUEST_BASE
	rm -rf "$base"
	mkdir -p "$base/results" "$base/artifacts"
	cp -a "$REPO_DIR/tests/guest" "$base/guest"
	[ -z "$inputs" ] || cp -a "$inputs/." "$base/artifacts/"
}

# vm_inject_netdevsim KO: netdevsim.ko (tests/host/inputs/netdevsim.sh) into
# the run's overlay as K_MODDIR/extra/netdevsim.ko, with its depmod index.
vm_inject_netdevsim() {
	local ko=$1 dest=$K_RUN_ROOT$K_MODDIR/extra
	mkdir -p "$dest"
	install -m 0644 "$ko" "$dest/netdevsim.ko"
	in_root "$K_RUN_ROOT" depmod "$K_KREL" || return 1
	in_root "$K_RUN_ROOT" modinfo -k "$K_KREL" -F filename netdevsim >/dev/null
}

# vm_write_conf ENTRY ARGS...: what the guest's init.sh runs.
vm_write_conf() {
	local entry=$1
	shift
	{
		printf 'VM_ENTRY=%q\n' "$entry"
		printf 'VM_RESULTS=%q\n' "$VM_GUEST_BASE/results"
		printf 'VM_ARGS=('
		printf '%q ' "$@"
		printf ')\n'
	} >"$K_RUN_ROOT$VM_GUEST_BASE/run.conf"
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

# vm_boot CONSOLE_LOG: boot the run's kernel (K_KREL) with the run's overlay
# (K_RUN_ROOT) as root; returns QEMU's status (124 when the VM timed out) and
# sets VM_SECONDS to the VM's wall-clock run time (not counting the wait for
# a slot). VM_VERBOSE=1 streams the serial console to stdout as well.
vm_boot() {
	local console=$1 initrd rc=0 cmdline=$VM_CMDLINE
	initrd=$("$HOST_DIR/vm/initramfs.sh" "$K_ROOT" "$K_KREL" "$K_MODDIR")
	# A debug kernel's kmemleak is off until asked for (the faults suite scans).
	if is_debug_line "$K_LINE"; then cmdline+=" kmemleak=on"; fi
	local qemu=(timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu "$VM_CPU"
		-m "$VM_MEMORY" -smp "$VM_SMP" -nographic -no-reboot -monitor none -nic none
		-kernel "$K_ROOT/boot/vmlinuz-$K_KREL" -initrd "$initrd" -append "$cmdline"
		-fsdev "local,id=r,path=$K_RUN_ROOT,security_model=none,multidevs=remap"
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

# vm_collect HOSTDIR: the guest's results dir, out of the overlay.
vm_collect() { cp -a "$K_RUN_ROOT$VM_GUEST_BASE/results/." "$1/"; }
