# netstat_exporter — the two commands a user needs: `make run` and `make test`.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
DESTDIR ?=
ARGS ?=
# What `make install` copies; BINARY may point at another build of the exporter.
BINARY ?= .build/release/netstat_exporter
UNITDIR ?= $(PREFIX)/lib/systemd/system
DATADIR ?= $(PREFIX)/share/netstat_exporter
# `make image`: the OCI image, tagged with the exporter's version. vfs is the storage driver that
# works without overlayfs or fuse; a test points BUILDAH at storage of its own (--root/--runroot).
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/netstat_exporter/ExporterOptions.swift)
IMAGE ?= netstat-exporter
BUILDAH ?= buildah --storage-driver=vfs
IMAGE_CONTEXT ?= .build/image

# Debian packages the build, the exporter and the test suite need (python3: the socket farm,
# Tests/Tools/sockfarm.py; binutils: nm, for the link order's staleness test; dpkg-dev, help2man,
# chrpath: `make deb`; lintian, mmdebstrap: its test; podman, runc: the container runtime test,
# which runs the image with runc, crun refusing some cgroup layouts; jsonnet: the monitoring mixin,
# dashboards/mixin/render and MixinTests; wrk: the forty back-to-back clients of LoadTests and
# bench/load.sh); installed only
# when missing, and only by root: `make deps` installs them, `make build`/`test`/`run` install
# them when run as root and otherwise only say which are missing (ensure-deps).
APT_PACKAGES := libmicrohttpd-dev libgnutls28-dev libstdc++-12-dev zlib1g-dev libyaml-dev libcrypt-dev pkg-config \
	iproute2 curl python3 procps gzip prometheus prometheus-alertmanager \
	python3-prometheus-client python3-yaml openssl apache2-utils systemd strace iptables buildah binutils \
	dpkg-dev help2man chrpath lintian mmdebstrap python3-pip podman runc jsonnet wrk
# kubectl for `kubectl kustomize` (KubernetesManifestTests): Debian's kubernetes-client (kubectl
# 1.20, kustomize built in), unless some kubectl is installed already: another package's (Google
# Cloud SDK's `kubectl`) owns /usr/bin/kubectl too, and the two cannot both be installed. kubectl
# 1.20's kustomize knows no Components: the tests of packaging/kubernetes/podmonitor cancel there.
APT_PACKAGES += $(if $(shell command -v kubectl 2>/dev/null),,kubernetes-client)

# PyPI packages the tests need, installed with Debian's pip into PYTHON_PACKAGES_DIR (the tests put
# it on PYTHONPATH), not into the system's Python: kubernetes-validate (KubernetesManifestTests),
# which brings the jsonschema (>= 4.23; Debian 12 has 4.10) that also checks the prometheus-operator
# objects. Installed by `make deps` and, by anyone (no root needed), before a build, test or run.
PIP_PACKAGES := kubernetes-validate==1.37.0
PYTHON_PACKAGES_DIR := .build/python

# The release binary: Swift runtime linked statically; lld with packed relative relocations
# (DT_RELR) keeps it position-independent without the idle RSS the classic .rela.dyn table
# costs. Two more flags keep idle RSS low (docs/performance.md, "Idle RSS", has the figures):
# - linker/link.order lists the functions that run at start-up and in a scrape (made by
#   scripts/update-link-order); lld places them first in .text, so the pages a running
#   exporter touches are few and together instead of spread over the binary. A stale list costs
#   memory, never correctness: names it no longer finds are skipped, and LinkOrderTests fails
#   when more than 10 % of them are gone.
# - libstdc++ is linked statically, only the parts the Swift runtime calls: loading the shared
#   one keeps its symbol tables and relocations resident. The Swift driver asks for
#   -lstdc++ itself, so a directory holding only the static archive is searched first.
STATIC_CXX_DIR := $(CURDIR)/.build/static-cxx
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker -L$(STATIC_CXX_DIR) \
	-Xlinker --symbol-ordering-file=$(CURDIR)/linker/link.order -Xlinker --no-warn-symbol-ordering

.PHONY: deps ensure-deps static-cxx build release run test bench fuzz fuzz-smoke install image deb clean

# Shell fragments for the two targets below: the packages of APT_PACKAGES not installed, in
# $missing; and their installation.
FIND_MISSING = missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done
APT_INSTALL = apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing
# The same for PIP_PACKAGES (name==version each): those whose dist-info is not in
# PYTHON_PACKAGES_DIR, in $pip_missing; and their installation.
FIND_PIP_MISSING = pip_missing=""; for p in $(PIP_PACKAGES); do \
		[ -d "$(PYTHON_PACKAGES_DIR)/$$(echo $${p%%==*} | tr - _)-$${p\#\#*==}.dist-info" ] || pip_missing="$$pip_missing $$p"; \
	done
PIP_INSTALL = /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --upgrade --target $(PYTHON_PACKAGES_DIR) $$pip_missing

# Installs what is missing (root, apt; then PIP_PACKAGES, pip).
deps:
	@$(FIND_MISSING); \
	if [ -z "$$missing" ]; then echo "deps: every package is installed"; \
	elif [ "$$(id -u)" -ne 0 ]; then echo "deps: missing:$$missing; run 'make deps' as root to install them" >&2; exit 1; \
	else echo "deps: installing:$$missing"; $(APT_INSTALL); fi
	@$(FIND_PIP_MISSING); \
	if [ -n "$$pip_missing" ]; then echo "deps: installing (pip, $(PYTHON_PACKAGES_DIR)):$$pip_missing"; $(PIP_INSTALL); fi

# Before a build, test or run: as root, what `make deps` does; otherwise a note of what is missing
# and on with the build (which may not need them all; a missing library fails it clearly enough).
ensure-deps:
	@command -v dpkg-query >/dev/null || { echo "no dpkg-query: not checking the Debian packages" >&2; exit 0; }; \
	$(FIND_MISSING); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" -eq 0 ]; then echo "installing:$$missing"; $(APT_INSTALL); \
	else echo "missing:$$missing (not installed: not root; 'sudo make deps' installs them)" >&2; fi
	@$(FIND_PIP_MISSING); \
	if [ -z "$$pip_missing" ]; then :; \
	elif [ -x /usr/bin/python3 ] && /usr/bin/python3 -m pip --version >/dev/null 2>&1; then \
		echo "installing (pip, $(PYTHON_PACKAGES_DIR)):$$pip_missing"; \
		$(PIP_INSTALL) || echo "pip could not install:$$pip_missing (KubernetesManifestTests will fail)" >&2; \
	else echo "missing (pip):$$pip_missing (no pip for /usr/bin/python3: python3-pip)" >&2; fi

build: ensure-deps
	$(SWIFT) build

# SCRATCH builds elsewhere than .build (a test does, while `swift test` holds .build).
release: ensure-deps static-cxx
	$(SWIFT) build $(RELEASE_FLAGS) $(if $(SCRATCH),--scratch-path $(SCRATCH))

# The static libstdc++ of the C++ compiler Swift links with, alone in a directory (see RELEASE_FLAGS).
static-cxx:
	@mkdir -p $(STATIC_CXX_DIR)
	@compiler=$(dir $(realpath $(SWIFT)))clang; [ -x "$$compiler" ] || compiler=cc; \
	archive=$$($$compiler -print-file-name=libstdc++.a); \
	if [ -f "$$archive" ]; then ln -sf "$$archive" $(STATIC_CXX_DIR)/libstdc++.a; \
	else echo "no static libstdc++ (libstdc++-12-dev): linking the shared one" >&2; rm -f $(STATIC_CXX_DIR)/libstdc++.a; fi

run: release
	.build/release/netstat_exporter $(ARGS)

# The release binary is built first: tests check that it links no Swift library and that
# linker/link.order still names its functions (LinkOrderTests).
# fuzz-smoke keeps the fuzz targets building and replays their seeds (a few seconds).
# The timed suites run on their own after the rest, one at a time, so the other suites' CPU
# (promtool, Prometheus, builds of fixtures) is not what they measure: the HTTP abuse tests time
# scrapes against a one-second budget while a thousand clients hold connections, the
# shutdown tests time the drain window, and the load tests bound the exporter's CPU and latency.
TIMED_SUITES := HTTPAbuseTests|ShutdownTests|LoadTests
test: ensure-deps static-cxx
	$(SWIFT) build $(RELEASE_FLAGS)
	$(SWIFT) build
	$(SWIFT) test --skip '$(TIMED_SUITES)'
	$(SWIFT) test --skip-build --no-parallel --filter '$(TIMED_SUITES)'
	$(MAKE) fuzz-smoke

# Every parser under libFuzzer + AddressSanitizer, FUZZ_SECONDS each (fuzz/run.sh; FUZZ_RUNS,
# FUZZ_TARGETS narrow it). The fuzz package under fuzz/ builds apart from the exporter's.
FUZZ_SECONDS ?= 60
fuzz: ensure-deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

# 5,000 inputs a target, seeds first: enough to catch a target that no longer builds or
# crashes on its own seeds, cheap enough for every `make test`.
fuzz-smoke: ensure-deps
	FUZZ_RUNS=5000 FUZZ_SECONDS=20 bash fuzz/run.sh

# The binary, the systemd units (service with ExecStart pointed at $(PREFIX)/bin, and the
# socket for activation), the example web config, the Kubernetes manifests and the dashboards.
# The manifests are the kustomize base and its component podmonitor/, every .yaml of
# packaging/kubernetes (each one listed by a kustomization.yaml: KubernetesManifestTests), so
# `kubectl kustomize $(DATADIR)/kubernetes` renders; not generate-prometheusrule.py, which reads
# the repository's rule files. DESTDIR stages the tree for a package.
KUBERNETES_FILES := $(sort $(wildcard packaging/kubernetes/*.yaml packaging/kubernetes/*/*.yaml))
install: release
	install -D -m 0755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/netstat_exporter
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/kubernetes
	sed 's#/usr/local/bin/netstat_exporter#$(PREFIX)/bin/netstat_exporter#' packaging/netstat_exporter.service \
		> $(DESTDIR)$(UNITDIR)/netstat_exporter.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/netstat_exporter.service
	install -m 0644 packaging/netstat_exporter.socket $(DESTDIR)$(UNITDIR)/netstat_exporter.socket
	install -m 0644 packaging/web-config.example.yml $(DESTDIR)$(DATADIR)/web-config.example.yml
	for file in $(KUBERNETES_FILES); do \
		install -D -m 0644 $$file $(DESTDIR)$(DATADIR)/kubernetes/$${file#packaging/kubernetes/} || exit 1; \
	done
	if [ -d dashboards ]; then \
		install -d $(DESTDIR)$(DATADIR)/dashboards && cp -R dashboards/. $(DESTDIR)$(DATADIR)/dashboards/; \
	fi

# FROM scratch: the binary, the libraries ldd lists and the loader (packaging/image/rootfs.sh).
image: release
	sh packaging/image/rootfs.sh $(BINARY) $(IMAGE_CONTEXT)
	$(BUILDAH) bud --quiet --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) \
		-f $(IMAGE_CONTEXT)/Containerfile $(IMAGE_CONTEXT)

# `make deb`: the Debian package $(DEB_DIR)/prometheus-netstat-exporter_$(VERSION)-$(DEB_REVISION)_amd64.deb
# from the release build (packaging/debian/build.sh; dpkg-deb, no debhelper): the binary as
# /usr/bin/prometheus-netstat-exporter, the service (enabled on install) and socket units, ARGS in
# /etc/default/prometheus-netstat-exporter, the netstat-exporter system user, a man page from
# --help (help2man), the rules, dashboard and runbook in /usr/share/doc/<package>/examples.
# A new VERSION needs a new entry at the top of packaging/debian/changelog.
DEB_REVISION ?= 1
DEB_DIR ?= .build
deb: release
	sh packaging/debian/build.sh $(BINARY) $(VERSION)-$(DEB_REVISION) $(DEB_DIR)

bench: release
	bash bench/sockets.sh

clean:
	rm -rf .build
