# netstat_exporter — the two commands a user needs: `make run` and `make test`.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
DESTDIR ?=
ARGS ?=

# Debian packages the build, the exporter and the test suite need; installed only when missing.
APT_PACKAGES := libmicrohttpd-dev libgnutls28-dev zlib1g-dev libyaml-dev libcrypt-dev pkg-config iproute2 curl python3 procps gzip \
	prometheus prometheus-alertmanager python3-prometheus-client openssl apache2-utils

.PHONY: deps build release run test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

run: release
	.build/release/netstat_exporter $(ARGS)

test: deps
	$(SWIFT) build
	$(SWIFT) test

bench: release
	bash bench/sockets.sh

clean:
	rm -rf .build
