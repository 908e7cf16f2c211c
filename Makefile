# SPDX-License-Identifier: GPL-2.0-only
# User entry point. DKMS runs "make KDIR=... KERNELRELEASE=... module".

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KERNELS ?=
# make deb|rpm VERSION=x.y.z builds that version (default: debian/changelog, rpm spec).
VERSION ?=

.PHONY: all module probes clean install host-setup lint check stress check-build demo deb rpm check-packages

all: module

probes:
	@bash compat/run-probes.sh $(KDIR)

module: probes
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KERNELRELEASE)

clean:
	rm -rf compat/generated
	rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers src/*.o src/.*.cmd

# Host tools from the machine's own apt sources (idempotent).
host-setup:
	bash tests/lib/host-setup.sh

lint: host-setup
	bash tests/lint/check-core-clean.sh
	bash tests/lint/shellcheck.sh
	bash tests/lint/checkpatch.sh

# The build matrix: real dkms build/install for every supported kernel.
check-build: host-setup
	bash tests/build/matrix.sh $(KERNELS)

# The whole test matrix (what CI runs): lint, builds, then VM tests per kernel.
check: lint
	bash tests/vm/check.sh $(KERNELS)

# The robustness suite at full size (100,000+ fuzz requests, 10,000
# replaces, 4 x 10,000 concurrent operations per kernel), from a new seed.
stress: lint
	CHECK_SUITES=robustness VM_TEST_SCALE=10 VM_TEST_SEED=$${STRESS_SEED:-$$(date +%s)} \
		VM_TEST_TIMEOUT=5400 VM_TIMEOUT=14400 bash tests/vm/check.sh $(KERNELS)

demo: host-setup
	bash tests/vm/demo.sh

# Packages into dist/: the Debian .deb (plus native source) and the RPMs.
deb: host-setup
	bash tools/build-deb.sh $(VERSION)

rpm: host-setup
	bash tools/build-rpm.sh $(VERSION)

# lintian/rpmlint, then install/upgrade/remove tests in chroot copies.
check-packages: host-setup
	bash tests/packages/check.sh
