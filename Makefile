# `make serve` and `make test` are all a newcomer needs: each installs what the machine lacks first.
SHELL := /bin/bash
TOOLS_DIR ?= $(HOME)/.cache/flashsale-tools
export FLASHSALE_TOOLS := $(TOOLS_DIR)
# npm's binaryen must come before any wasm-opt Debian may have (that one breaks release builds).
export PATH := $(TOOLS_DIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The release run of the engine's property tests: 10,000 cases at least (proptest's default is 256).
PROPTEST_CASES ?= 10000
CHROMEDRIVER ?= /usr/bin/chromedriver

# The compiler the project is built and tested with: trunk 0.21.14 and the unstable flags
# scripts/split-page passes are only known to work with it. rust-toolchain.toml pins it, with
# its components and the wasm target, so every cargo and rustc call in this directory uses it.
# These machines cannot download a toolchain, and a fresh one has this release only as rustup's
# `stable`, under which name the file's "1.95.0" does not find it: rust-version gives it that
# name first (scripts/ensure-rust). It must equal the file's channel.
RUST_VERSION := 1.95.0

.PHONY: serve serve-server build test lint test-native test-browser test-e2e test-e2e-server bench load tools-app tools-browser tools-nats rust-version clean

# Every target that runs cargo comes through here first, and nothing runs cargo or rustc
# before it (no $(shell ...) does).
rust-version:
	@scripts/ensure-rust $(RUST_VERSION)
	@found="$$(rustc --version 2>&1)"; case "$$found" in "rustc $(RUST_VERSION) "*) ;; *) \
	  echo "error: this project is built with Rust $(RUST_VERSION), but \`rustc --version\` says: $$found" >&2; \
	  echo "  install it: rustup toolchain install $(RUST_VERSION) --component rust-src,clippy,rustfmt --target wasm32-unknown-unknown" >&2; \
	  exit 1;; esac

tools-app: rust-version
	@scripts/ensure-tools wasm-target wasm-bindgen wasm-opt trunk

tools-nats:
	@scripts/ensure-tools nats-server

tools-browser: rust-version
	@scripts/ensure-tools wasm-target wasm-bindgen wasm-pack chromium fonts

## serve: the storefront at http://127.0.0.1:8080 (rebuilds on change)
serve: tools-app
	trunk serve

## serve-server: the release build and the real store server (crates/store-server, built with
## Cargo.toml's server profile) at http://127.0.0.1:8080, durable in target/store-data; DEMO=1 adds the demo's crowd and controls
serve-server: build
	cargo run --profile server -p store-server -- --addr 127.0.0.1:8080 --dist dist --data target/store-data$(if $(DEMO),-demo --demo)

## build: release build into dist/ (the page with the release-page profile, see Cargo.toml),
## the page cut into the shell and the modules fetched on demand (scripts/split-page), the
## .br and .gz siblings the store server sends (scripts/precompress), then the first-load size
## a phone downloads; skipped in seconds when no source of the page changed (scripts/build-page)
build: tools-app
	@scripts/ensure-tools rust-src wasm-split terser brotli
	scripts/build-page
	@scripts/first-load-size dist

## test: formatting and lints, then every test, native and in headless Chromium
test: lint test-native test-browser test-e2e test-e2e-server

## lint: rustfmt and clippy (warnings are errors), natively and for the browser build
lint: rust-version
	@scripts/ensure-tools wasm-target
	cargo fmt --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p flash-sale -p store-worker --all-targets -- -D warnings
	scripts/no-debug-format src
	@for dir in src crates/{sale-engine,fair-draw,contract,store,store-worker,store-server,e2e,bench-counter}/src; do \
	  scripts/module-cycles $$dir > /dev/null || { scripts/module-cycles $$dir; exit 1; }; done

test-native: rust-version tools-nats
	cargo test --workspace --exclude e2e --exclude bench-counter
	PROPTEST_CASES=$(PROPTEST_CASES) cargo test --release -p sale-engine
	scripts/test-verify-draw

# The runner's limit covers a whole test file (20 s by default); a file of journeys under 30 %
# faults needs more on a loaded machine.
test-browser: tools-browser
	WASM_BINDGEN_TEST_TIMEOUT=300 wasm-pack test --release --headless --chrome --chromedriver $(CHROMEDRIVER) --mode no-install

## test-e2e: the release build served on 127.0.0.1, driven in headless Chromium through
## chromedriver (crates/e2e); screenshots of every screen in target/screenshots/
test-e2e: build
	@scripts/ensure-tools chromium fonts
	cargo test -p e2e --lib
	CHROMEDRIVER=$(CHROMEDRIVER) cargo test -p e2e --test journeys

## test-e2e-server: the same journeys against the real store server (store-server --demo serves
## dist/ and /api; no worker), except the three about the worker itself or its simulated faults
test-e2e-server: build
	@scripts/ensure-tools chromium fonts
	cargo build --profile server -p store-server
	E2E_STORE=server E2E_STORE_SERVER=target/server/store-server CHROMEDRIVER=$(CHROMEDRIVER) cargo test -p e2e --test journeys

## load: bounded load runs at the sale moment on loopback: one node, three nodes on a 3-node
## JetStream cluster, three nodes under a nemesis mid-sale (kill -9 of a store node, of a
## nats-server, of the stream's leader, SIGSTOP of a store node), one node with a crowd of SCALE
## shoppers (sign-ups, memory, snapshot, hinted polls, a restart), and that crowd on three nodes
## under the nemesis; writes target/load.json and fails when a budget is not met (SHOPPERS=N
## changes the first three runs' crowd, SCALE=N the scale runs', RUNS=one,scale makes only those)
load: build tools-nats
	cargo build --profile server -p store-server
	target/server/load --shoppers $(or $(SHOPPERS),12000) --scale $(or $(SCALE),200000) $(if $(RUNS),--runs $(RUNS)) --server target/server/store-server --dist dist

## bench: first-load size, time to interactive against a Leptos counter, countdown accuracy,
## long tasks at the sale moment, the 1,000,000-shopper sale; writes target/bench.json
bench: build
	@scripts/ensure-tools chromium
	@scripts/bench

clean:
	cargo clean
	rm -rf dist
