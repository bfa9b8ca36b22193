# LivePair — run `make help` for the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.DEFAULT_GOAL := help

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Install everything needed (idempotent; fast when already done)
	@bash scripts/setup.sh
	@bash scripts/setup-screen.sh
	@bash scripts/setup-audio.sh
	@bash scripts/setup-sandbox.sh

run: setup e2e-setup ## Run the product: VS Code (code-server) with LivePair on examples/ at 127.0.0.1:8765 (LIVEPAIR_PORT)
	$(PY) scripts/run.py

demo: setup ## The f.py scenario played headless through the daemon (prints what the editor shows)
	$(PY) -m livepair demo

install-extension: ext-build ## Install the .vsix into a desktop VS Code (`code` on PATH)
	@command -v code >/dev/null || { echo "No 'code' on PATH: use 'make run' (code-server) or install extension/dist/livepair.vsix by hand." >&2; exit 1; }
	code --install-extension extension/dist/livepair.vsix --force

lint: setup ## Ruff (lint + format check) and pyright
	$(VENV)/bin/ruff check server tests bench scripts devtools
	$(VENV)/bin/ruff format --check server tests bench scripts devtools
	$(VENV)/bin/pyright

fmt: setup ## Format and auto-fix
	$(VENV)/bin/ruff format server tests bench scripts devtools
	$(VENV)/bin/ruff check --fix server tests bench scripts devtools

check: setup ## The inner loop (under a minute): ruff, pyright, and the unit, contract, daemon and Live tests not marked slow
	$(VENV)/bin/ruff check server tests bench scripts devtools
	$(VENV)/bin/ruff format --check server tests bench scripts devtools
	@# pyright beside the tests: together they fit the minute on two cores
	@$(VENV)/bin/pyright > .pyright.out 2>&1 & pid=$$!; \
	  LIVEPAIR_TEST_PREFORK=1 $(PY) -m pytest -q -n 2 -p no:cacheprovider -m "not slow" tests/unit tests/contract tests/lsp tests/live; rc=$$?; \
	  wait $$pid; prc=$$?; tail -n 1 .pyright.out; [ $$prc -eq 0 ] || cat .pyright.out; rm -f .pyright.out; \
	  [ $$rc -eq 0 ] && [ $$prc -eq 0 ]

test: setup lint ext-test e2e-setup ## Lint, type-check and run the whole test suite (with the extension and e2e)
	@# Daemon, Live, programs and Neovim tests on both cores; the ones that own the (one) virtual audio devices,
	@# X display and browser after them, one at a time.
	$(PY) -m pytest -q -n 2 -p no:cacheprovider --ignore=tests/media --ignore=tests/e2e
	$(PY) -m pytest -q -p no:cacheprovider tests/media tests/e2e

bench: setup e2e-setup ## Benchmarks (ratios against a baseline measured in the same run)
	@# every part runs in its own process under a time limit; the exit code says whether all targets were met
	$(PY) -m bench

soak: setup ## 200 fault schedules, then an hour of `livepair serve` over stdio with editor traffic and faults
	@# one line per schedule (its time; a failure as it happens) in LIVEPAIR_CHAOS_LOG
	LIVEPAIR_CHAOS_EXAMPLES=$${LIVEPAIR_CHAOS_EXAMPLES:-200} LIVEPAIR_CHAOS_LOG=$${LIVEPAIR_CHAOS_LOG:-$${TMPDIR:-/tmp}/livepair-chaos.log} \
	  $(PY) -m pytest -q -p no:cacheprovider -n 2 tests/live/test_chaos.py
	LIVEPAIR_SOAK_S=$${LIVEPAIR_SOAK_S:-3600} $(PY) -m tests.live.daemon_soak

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info server/*.egg-info

ext-setup: ## Node 24 and the extension's npm dependencies
	@bash scripts/setup-node.sh
	@bash scripts/setup-extension-deps.sh

ext-test: ext-setup ## Type-check the extension and run its unit tests (vitest)
	@bash scripts/test-extension.sh

ext-build: setup ext-setup ## Build the extension .vsix (bundle + the daemon wheel): extension/dist/livepair.vsix
	@bash scripts/build-extension.sh

ext-publish: setup ext-setup ## The .vsix to publish: links from LIVEPAIR_REPOSITORY_URL or a public https origin
	@bash scripts/build-extension.sh --publish

e2e-setup: ext-build ## Install code-server (a real VS Code) for the e2e test
	@bash scripts/setup-code-server.sh

e2e: setup e2e-setup ## The end-to-end test: the extension in code-server in Chromium (screenshots in test-artifacts/)
	$(PY) -m pytest -q tests/e2e

.PHONY: help setup run demo install-extension lint fmt check test bench soak clean ext-setup ext-test ext-build ext-publish e2e-setup e2e
