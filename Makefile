# LivePair — run `make help` for the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Install everything needed (idempotent; fast when already done)
	@bash scripts/setup.sh

run: setup ## Run the product (for now: the headless f.py demo against the daemon)
	$(PY) -m livepair demo

demo: run ## Same as run

lint: setup ## Ruff (lint + format check) and pyright
	$(VENV)/bin/ruff check server tests bench
	$(VENV)/bin/ruff format --check server tests bench
	$(VENV)/bin/pyright

fmt: setup ## Format and auto-fix
	$(VENV)/bin/ruff format server tests bench
	$(VENV)/bin/ruff check --fix server tests bench

test: setup lint ## Lint, type-check and run the whole test suite
	$(PY) -m pytest -q

bench: setup ## Benchmarks (ratios against a baseline measured in the same run)
	$(PY) -m bench

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info server/*.egg-info

.PHONY: help setup run demo lint fmt test bench clean
