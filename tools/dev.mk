# SPDX-License-Identifier: GPL-2.0-only
# Developer and CI targets, included by the Makefile of a git checkout.
KERNELS ?=

.PHONY: host-setup lint upstream-diff check stress bench check-build demo deb rpm repo check-packages check-kernel-upgrade debug-kernels

# Host tools from the machine's own apt sources (idempotent). The other
# targets that need host tools run it first; lint only checks for them.
host-setup:
	bash tests/host/setup.sh

lint:
	bash tests/host/setup.sh --check
	bash tests/host/lint/check-core-clean.sh
	bash tests/host/lint/shellcheck.sh
	bash tests/host/lint/checkpatch.sh
	bash tests/host/lint/upstream-diff.sh

# src/cls_bpf.c against net/sched/cls_bpf.c of the newest linux-source-*
# (sid/experimental, else the cache): the diff, then every hunk not listed in
# src/upstream-diff.allowed. lint checks the recorded base (src/UPSTREAM).
upstream-diff:
	bash tools/upstream-diff.sh

# The build stage alone for every supported kernel: our .deb through apt and
# dkms in an overlay of the kernel's root, and the build checks.
check-build: host-setup
	bash tests/host/build/matrix.sh $(KERNELS)

# The whole test matrix (what CI runs): lint, then one pipeline per kernel
# (root, overlay, build, netdevsim, VM with the suites; tests/host/check.sh),
# then the booted kernel upgrade on two lines (those of KERNELS among them).
KERNEL_UPGRADE_LINES := 5.10 6.1
check_upgrade_lines = $(if $(KERNELS),$(filter $(KERNEL_UPGRADE_LINES),$(KERNELS)),$(KERNEL_UPGRADE_LINES))
check: host-setup
	$(MAKE) --no-print-directory lint
	bash tests/host/check.sh $(KERNELS)
	$(if $(check_upgrade_lines),bash tests/host/packages/kernel-upgrade.sh $(check_upgrade_lines))

# The debug kernels (KASAN, lockdep, fault injection) of the debug lines of
# tests/kernels.list (or those of KERNELS), each built from its distro line's
# linux-source into the cache (40 to 70 minutes each here), and their roots.
# make check runs every debug line whose kernel is cached and current.
DEBUG_LINES = $(shell awk '!/^\#/ && $$4 == "debug" { print $$1 }' tests/kernels.list)
debug-kernels: host-setup
	set -e; for line in $(or $(filter debug-%,$(KERNELS)),$(DEBUG_LINES)); do \
		bash tests/host/roots/make-root.sh $$line >/dev/null; done

# The robustness suite at full size (100,000+ fuzz requests, 10,000
# replaces, 4 x 10,000 concurrent operations per kernel), from a new seed.
stress: host-setup
	$(MAKE) --no-print-directory lint
	CHECK_SUITES=robustness VM_TEST_SCALE=10 VM_TEST_SEED=$${STRESS_SEED:-$$(date +%s)} \
		VM_TEST_TIMEOUT=5400 VM_TIMEOUT=14400 bash tests/host/check.sh $(KERNELS)

# Benchmarks (not pass/fail): data path and control plane, ours vs in-tree in
# the same boot, on each kernel; writes docs/bench/DATE/report.md and plot.png.
bench: host-setup
	bash tools/bench/bench.sh $(KERNELS)

demo: host-setup
	bash tests/host/vm/demo.sh

# Packages into dist/: the Debian .deb (plus native source) and the RPMs.
# VERSION=x.y.z builds that version (default: debian/changelog's).
deb: host-setup
	bash tools/build-deb.sh $(VERSION)

rpm: host-setup
	bash tools/build-rpm.sh $(VERSION)

# A signed apt repository of the current .deb for every supported Debian
# suite (tools/make-repo.sh): dist/repo/public/, with its throw-away key.
repo: host-setup
	bash tools/make-repo.sh

# lintian/rpmlint, the signed repository, install/upgrade/remove and the
# package's autopkgtest, in overlays (and a tarball) of the roots.
check-packages: host-setup
	bash tests/host/packages/check.sh

# Kernel upgrade, booted (default lines 5.10 6.1), as in make check, plus a
# newer package installed with apt inside the VM while a filter holds the
# module (dkms compiles under TCG: slow) and the next boot.
check-kernel-upgrade: host-setup
	bash tests/host/packages/kernel-upgrade.sh --package-upgrade $(or $(KERNELS),$(KERNEL_UPGRADE_LINES))
