SWIFT ?= swift

.PHONY: deps build test demo fed-demo bench-smoke clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

demo: deps
	$(SWIFT) run datafi demo

# Three Swift SuperNodes in a Flower federation on loopback (creates the Flower venv under .build).
fed-demo: deps
	bash Examples/flower-credit/demo.sh

bench-smoke: deps
	bash Benchmarks/smoke.sh

clean:
	rm -rf .build Benchmarks/.build
