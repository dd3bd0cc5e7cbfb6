# p2prig: a test rig for PCI peer-to-peer DMA.
#
#   make scenario=NAME [config=NAME] [kernel=SPEC] [series=FILE|DIR]
#                                                       run one scenario in the virtual lab
#   make scenario=NAME rig=host [config=NAME]          run it on this machine (lab rig)
#   make test                                           host unit tests + virtual-lab tests
#   make menuconfig | NAME_defconfig                    describe the rig (configs/Kconfig)
#   make help                                           every target, one line each
#
# The rig a run uses: config= on the command line, else the scenario's
# `config NAME` line, else .config, else configs/vlab-switch-iommu_defconfig.
# kernel= overrides the config's guest kernel for one run: a pinned Debian
# version (7.3.4), or one the rig builds (src:7.3.4+debug, tree:~/linux+debug;
# README.md, "The kernel under test"), series= a patch series applied to it.

SHELL := /bin/bash
TOP := $(CURDIR)
HOST_BUILD := $(TOP)/build/host
KCONFIG := configs/Kconfig
RIGCONFIG := source harness/lib/rigconfig.sh

export P2PRIG_BUILD := $(HOST_BUILD)
# A patch series for the kernel the rig builds (kernel=src:… or tree:…).
ifdef series
export P2PRIG_KERNEL_SERIES := $(abspath $(series))
endif
# kconfig-frontends and the scripts read and write this checkout's .config.
export KCONFIG_CONFIG ?= .config

# Only what was given on the command line; the scripts resolve the rest.
RUN_OPTS = $(if $(kernel),--kernel '$(kernel)') $(if $(series),--series '$(series)') $(if $(config),--config '$(config)')
# The guest kernel for targets that build for one: kernel=, else the config's.
guest_kernel = $(or $(kernel),$(shell bash -c '$(RIGCONFIG) && rig_config_kernel "$(config)"'))

.DEFAULT_GOAL := default

.PHONY: default
default:
ifdef scenario
ifeq ($(rig),host)
	@harness/run-lab.sh '$(scenario)' $(if $(config),--config '$(config)')
else
	@harness/run-scenario.sh '$(scenario)' $(RUN_OPTS)
endif
else
	@$(MAKE) -s help
endif

.PHONY: help
help: ## list the targets
	@echo "p2prig: make [TARGET] [scenario=NAME] [config=NAME] [kernel=SPEC] [series=FILE|DIR]"
	@echo "  kernel=SPEC          7.3.4 (Debian's, pinned), src:7.3.4+debug (built from its source), tree:PATH+debug"
	@echo "  scenario=NAME        run scenarios/NAME in the virtual lab"
	@echo "  scenario=NAME rig=host   run it on this machine (a lab rig config; as root)"
	@grep -hE '^[a-z%_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ sub(/%/, "NAME", $$1); printf "  %-20s %s\n", $$1, $$2 }'
	@echo "Rigs (make NAME_defconfig, or config=NAME for one run):"
	@awk 'FNR == 1 && sub(/^# Help: /, "") { n = FILENAME; sub(/^.*\//, "", n); \
		sub(/_defconfig$$/, "", n); printf "  %-24s %s\n", n, $$0 }' configs/*_defconfig

.PHONY: setup
setup: ## install missing host packages and fill the cache (kernel, build root)
	@harness/setup-host.sh
	@bash -c 'source harness/vlab/cache.sh && ensure_vlab_cache "$(guest_kernel)"'

.PHONY: kbuild
kbuild: ## build (or find cached) the guest kernel kernel=SPEC [series=FILE|DIR], staged in the build root
	@harness/setup-host.sh --for cache
	@bash -c 'source harness/vlab/cache.sh && ensure_vlab_cache "$(guest_kernel)" && \
		load_kernel_pin "$(guest_kernel)" && log "kernel $$PIN_UNAME: ready"'

.PHONY: runner
runner: ## build the runner for the host (scenario checks, summaries)
	@harness/setup-host.sh
	@$(MAKE) -s -C harness BUILD=$(HOST_BUILD)

.PHONY: unit-tests
unit-tests: runner ## build the host unit tests (cmocka)
	@$(MAKE) -s -C harness BUILD=$(HOST_BUILD) unit-tests

.PHONY: kmod
kmod: ## build p2prig.ko in the build root for the guest kernel
	@bash -c 'source harness/vlab/session.sh && ensure_vlab_cache "$(guest_kernel)" && \
		in_buildroot make -C /rig/kmod KDIR=/usr/src/linux-headers-$$PIN_UNAME $$(vlab_module_cc)'

.PHONY: guest-test
guest-test: ## run one of the module's own tests in the virtual lab (name=kmod-uapi; args='-t TEST' filters; kmod-fuzz takes seed= calls=)
	@harness/run-guest-test.sh '$(or $(name),kmod-uapi)' $(RUN_OPTS) $(if $(seed),--seed '$(seed)') $(if $(calls),--calls '$(calls)') $(if $(args),--test-args '$(args)')

.PHONY: doctor
doctor: ## can this rig do p2p? lab: on this machine; vlab: in the guest
	@harness/run-doctor.sh $(RUN_OPTS)

.PHONY: bench-nvme
bench-nvme: ## figures: fio bandwidth through RAM vs the NVMe CMB vs the ivshmem BAR, per size and queue depth, in one guest (sizes=4K,16K,64K,256K,1M iodepths=1,16 repeats=3)
	@harness/bench-nvme.sh $(if $(sizes),--sizes '$(sizes)') $(if $(iodepths),--iodepths '$(iodepths)') $(if $(repeats),--repeats '$(repeats)')

.PHONY: bench-pattern
bench-pattern: runner ## figures: the data pattern's fill and check speed on this host, against a byte-wise loop and memcpy (mib=256 rounds=5)
	@$(MAKE) -s -C harness BUILD=$(HOST_BUILD) benchmarks
	@$(HOST_BUILD)/bench/bench_pattern $(or $(mib),256) $(or $(rounds),5)

.PHONY: bench-rdma
bench-rdma: ## figures: the runner's RDMA WRITE bandwidth vs ib_write_bw on rxe in one guest (sizes=64K,1M iterations=1000)
	@harness/bench-rdma.sh $(if $(sizes),--sizes '$(sizes)') $(if $(iterations),--iterations '$(iterations)') $(RUN_OPTS)

.PHONY: matrix
matrix: ## one scenario on several guest kernels, a table method x kernel (scenario=NAME kernels="7.3.4 6.12.117"; default: every pinned kernel)
	@harness/matrix.sh '$(or $(scenario),map-cost)' $(if $(kernels),--kernels '$(kernels)')

.PHONY: topology-matrix
topology-matrix: runner ## nightly class: the doctor's prediction against p2pdma on every tree of configs/topology-matrix (list=FILE methods="mmio p2p-page"), one table
	@harness/topology-matrix.sh $(if $(list),--list '$(list)') $(if $(methods),--methods '$(methods)')

.PHONY: report
report: ## results/report/index.html: verdict, steps, charts (gnuplot SVG) and an index of every run kept
	@harness/setup-host.sh
	@harness/report.sh

.PHONY: compare
compare: ## base vs new, metric by metric, LKP-style; exit 1 on a regression (base=RUN|DIR|baseline new=RUN|DIR|last-night)
	@harness/compare.sh '$(or $(base),baseline)' '$(or $(new),last-night)'

.PHONY: baseline
baseline: ## promote a run or run set to results/baseline (from=RUN|DIR|last-night)
	@harness/baseline.sh '$(or $(from),last-night)'

.PHONY: nightly
nightly: runner ## run the nightly scenarios (configs/nightly, or nightly=FILE), compare with the baseline, keep the newest keep=N nights, build the report
	@harness/nightly.sh $(if $(nightly),--list '$(nightly)') $(if $(keep),--keep '$(keep)')

.PHONY: lava lava-validate
lava: ## a scenario as a LAVA job: Debian's lava-dispatcher (lava-run) on the virtual-lab device, verdict from its test cases (scenario=nvme-cmb; several, space-separated, share one guest)
	@lava/lava.sh run lava/jobs/vlab.yaml.jinja2 "$(or $(out),results/lava/$(shell date -u +%Y%m%dT%H%M%SZ))" \
		scenario='$(or $(scenario),nvme-cmb)' config=lab-vlab-guest

lava-validate: ## check every LAVA job template (LAVA's schema, lava-run --validate) and the virtual-lab device
	@lava/lava.sh validate lava/jobs/*.yaml.jinja2

.PHONY: prune-nights
prune-nights: ## remove all but the newest nights under results/nights (keep=N; default P2PRIG_NIGHTS_KEEP, else 60)
	@harness/prune-nights.sh $(if $(keep),--keep '$(keep)')

# The virtual lab's test folders in the order make test runs them: prove -r
# sorts the files inside each folder given, not the folders given. A folder
# of .t files missing here stops make test rather than go unrun.
VLAB_TEST_DIRS := $(addprefix tests/vlab/,kmod scenario topology rdma storage ops lava)
vlab_dirs_unlisted = $(filter-out $(VLAB_TEST_DIRS),$(patsubst %/,%,$(sort $(dir $(wildcard tests/vlab/*/*.t)))))

.PHONY: test
test: unit-tests ## run every test (host and unit, then virtual lab) under prove
	$(if $(vlab_dirs_unlisted),$(error make test does not list $(vlab_dirs_unlisted): add it to VLAB_TEST_DIRS))
	@prove -r --timer tests/host tests/unit $(VLAB_TEST_DIRS)

.PHONY: bugs bug
bugs: ## the bug corpus: put each upstream bug (bugs/) back, run its check on it and without it, print the table (list=1: only list them)
	@harness/bugs.sh $(if $(list),--list)

bug: ## one entry of the bug corpus (id=NAME)
	@harness/bugs.sh '$(or $(id),$(error id=NAME needed, one of: $(patsubst bugs/%/bug,%,$(wildcard bugs/*/bug))))'

.PHONY: test-debug test-bare
test-debug: unit-tests ## the kernel under test's nightly: tests/nightly (kernels built from source and patch series, every kmod program and the dma-debug trigger on the debug kernel), every scenario on it, the bug corpus
	@prove --timer tests/nightly/*.t

	@rc=0; while read -r scenario kernel; do \
		harness/run-scenario.sh "$$scenario" --kernel "$${kernel#kernel=}" </dev/null || rc=1; \
	done < <(grep -v '^#' configs/nightly-debug); \
	harness/bugs.sh </dev/null || rc=1; exit $$rc

test-bare: ## README's first command in a bare Debian 12 root made here (mmdebstrap; about 3 min; CI runs it)
	@harness/setup-host.sh --for run
	@prove -v --timer tests/bare/*.t

.PHONY: check
check: runner ## shellcheck the scripts, checkpatch --strict the module
	@harness/check-style.sh

.PHONY: clean
clean: ## remove build products (the cache and results stay)
	rm -rf build
	cd kmod && rm -f *.o *.ko *.mod *.mod.c .*.cmd .*.d modules.order Module.symvers

# --- rig configuration (configs/Kconfig, kconfig-frontends) ----------------

.PHONY: menuconfig
menuconfig: ## edit .config, the rig this checkout uses, in menus
	@harness/setup-host.sh --for config
	@kconfig-mconf $(KCONFIG)
	@bash -c '$(RIGCONFIG) && rig_config_check "$$(rig_dot_config)"'

.PHONY: oldconfig
oldconfig: ## update .config, asking about options it does not set yet
	@harness/setup-host.sh --for config
	@kconfig-conf --oldconfig $(KCONFIG)
	@bash -c '$(RIGCONFIG) && rig_config_check "$$(rig_dot_config)"'

.PHONY: olddefconfig
olddefconfig: ## update .config, new options at their defaults
	@harness/setup-host.sh --for config
	@kconfig-conf -s --olddefconfig $(KCONFIG)
	@bash -c '$(RIGCONFIG) && rig_config_check "$$(rig_dot_config)"'

.PHONY: savedefconfig
savedefconfig: ## write the minimal form of .config to configs/defconfig
	@harness/setup-host.sh --for config
	@bash -c '$(RIGCONFIG) && rig_config_check "$$(rig_dot_config)"'
	@kconfig-conf -s --savedefconfig=configs/defconfig $(KCONFIG)
	@echo "wrote configs/defconfig; to keep it as a rig: mv configs/defconfig configs/NAME_defconfig" \
		"and start it with a '# Help: what this rig is' line"

%_defconfig: ## make .config from configs/NAME_defconfig (checked first)
	@harness/setup-host.sh --for config
	@bash -c '$(RIGCONFIG) && rig_config_install "$*"'
