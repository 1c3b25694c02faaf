SWIFT ?= swift

.PHONY: deps build test demo bench-smoke clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

demo: deps
	$(SWIFT) run datafi demo

bench-smoke: deps
	bash Benchmarks/smoke.sh

clean:
	rm -rf .build Benchmarks/.build
