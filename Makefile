# p2prig: a test rig for PCI peer-to-peer DMA.
#
#   make scenario=NAME [kernel=VERSION]   run one scenario in the virtual lab
#   make test                             host unit tests + virtual-lab tests
#   make help                             every target, one line each

SHELL := /bin/bash
TOP := $(CURDIR)
HOST_BUILD := $(TOP)/build/host
kernel ?= 7.3.4

export P2PRIG_BUILD := $(HOST_BUILD)

.DEFAULT_GOAL := default

.PHONY: default
default:
ifdef scenario
	@harness/run-scenario.sh '$(scenario)' --kernel '$(kernel)'
else
	@$(MAKE) -s help
endif

.PHONY: help
help: ## list the targets
	@echo "p2prig: make [TARGET] [scenario=NAME] [kernel=VERSION]"
	@echo "  scenario=NAME        run scenarios/NAME in the virtual lab (kernel=$(kernel))"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-20s %s\n", $$1, $$2 }'

.PHONY: setup
setup: ## install missing host packages and fill the cache (kernel, build root)
	@harness/setup-host.sh
	@bash -c 'source harness/vlab/cache.sh && ensure_vlab_cache "$(kernel)"'

.PHONY: runner
runner: ## build the runner for the host (scenario checks, summaries)
	@harness/setup-host.sh
	@$(MAKE) -s -C harness BUILD=$(HOST_BUILD)

.PHONY: unit-tests
unit-tests: runner ## build the host unit tests (cmocka)
	@$(MAKE) -s -C harness BUILD=$(HOST_BUILD) unit-tests

.PHONY: kmod
kmod: ## build p2prig.ko in the build root for the guest kernel
	@bash -c 'source harness/vlab/cache.sh && ensure_vlab_cache "$(kernel)" && \
		load_kernel_pin "$(kernel)" && \
		in_buildroot make -C /rig/kmod KDIR=/usr/src/linux-headers-$$PIN_UNAME'

.PHONY: guest-test
guest-test: ## run one of the module's own tests in the virtual lab (name=kmod-uapi)
	@harness/run-guest-test.sh '$(or $(name),kmod-uapi)' --kernel '$(kernel)'

.PHONY: test
test: unit-tests ## run every test (unit, then virtual lab) under prove
	@prove --timer tests/*.t tests/vlab/*.t

.PHONY: check
check: runner ## shellcheck the scripts, checkpatch --strict the module
	@harness/check-style.sh

.PHONY: clean
clean: ## remove build products (the cache stays)
	rm -rf build
	cd kmod && rm -f *.o *.ko *.mod *.mod.c .*.cmd .*.d modules.order Module.symvers
