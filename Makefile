# SPDX-License-Identifier: GPL-2.0-only
# User entry point. DKMS runs "make KDIR=... KERNELRELEASE=... module".

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build

# The one list of what a DKMS source tree holds (dkms.conf is installed with
# its version filled in) and the one version: debian/changelog's. A DKMS tree
# has no debian/: there Kbuild reads the version from the installed dkms.conf.
DKMS_NAME := cls-bpf
DKMS_SOURCES := dkms.conf Makefile Kbuild src/cls_bpf.c compat
ifneq ($(wildcard $(CURDIR)/debian/changelog),)
VERSION ?= $(shell dpkg-parsechangelog -l $(CURDIR)/debian/changelog -S Version)
export CLS_BPF_DKMS_VERSION := $(VERSION)
endif
DKMS_DIR = $(DESTDIR)/usr/src/$(DKMS_NAME)-$(VERSION)

.PHONY: all module clean install dkms-install dkms-sources version

all: module

# kbuild probes the kernel's APIs in the same pass (see Kbuild).
module:
	@test -f $(KDIR)/Makefile || { echo "cls-bpf: no kernel build tree at $(KDIR) (install the kernel headers package)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KERNELRELEASE)

# kbuild's own clean, where the kernel's build tree is installed.
clean:
	$(if $(wildcard $(KDIR)/Makefile),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	rm -rf compat/generated

# The DKMS source tree under DESTDIR/usr/src/cls-bpf-VERSION, as the packages
# and the tests install it.
dkms-install:
	@test -n "$(VERSION)" || { echo "dkms-install: no version: no debian/changelog here, pass VERSION=" >&2; exit 1; }
	install -d $(DKMS_DIR)
	cp -a --parents $(filter-out dkms.conf,$(DKMS_SOURCES)) $(DKMS_DIR)/
	rm -rf $(DKMS_DIR)/compat/generated
	sed 's/#MODULE_VERSION#/$(VERSION)/g' dkms.conf >$(DKMS_DIR)/dkms.conf

dkms-sources:
	@echo $(DKMS_SOURCES)

version:
	@test -n "$(VERSION)" || { echo "version: no debian/changelog here" >&2; exit 1; }
	@echo $(VERSION)

# Developer and CI targets (tests, packages), absent from the DKMS tree.
-include $(CURDIR)/tools/dev.mk
