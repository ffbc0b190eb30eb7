# Task Master for Python. Needs only python3 (>= 3.11) and make; everything else is
# installed into .venv (Python, pinned by requirements/dev.lock) and node_modules (the
# spec linter, pinned by package-lock.json). The logic lives in scripts/, which CI calls too.

.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
STAMP := $(VENV)/.install.stamp

.PHONY: help install lock test lint typecheck spec-lint generate check-generated check clean
.PHONY: docs release-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# Reinstall only when the lock, the project metadata or the installer changed.
$(STAMP): requirements/dev.lock pyproject.toml scripts/install
	scripts/install
	@touch $@

install: $(STAMP)  ## create .venv with the locked dev environment (instant when up to date)

lock: $(STAMP)  ## re-resolve requirements/dev.lock from pyproject.toml
	scripts/lock

test: $(STAMP)  ## run the test suite (pytest, parallel)
	scripts/test

lint: $(STAMP)  ## ruff check + ruff format --check
	scripts/check lint

typecheck: $(STAMP)  ## mypy --strict on src/ and generated/
	scripts/check typecheck

spec-lint: $(STAMP)  ## openapi-spec-validator + redocly lint on openapi/taskmaster.yaml
	scripts/check spec-lint

generate: $(STAMP)  ## regenerate generated/taskmaster_api from the spec
	scripts/generate

check-generated: $(STAMP)  ## fail if generated/ is stale
	scripts/check-generated

check: $(STAMP)  ## lint, typecheck, spec-lint, check-generated
	scripts/check lint typecheck spec-lint generated

docs: $(STAMP)  ## build the docs site into docs/_build/html (ReDoc page + Sphinx, warnings fail)
	scripts/docs

release-check: $(STAMP)  ## build sdist + wheel, twine check, install in a fresh venv, smoke-test
	scripts/release-check

.PHONY: serve
serve: $(STAMP)  ## run the reference server on SQLite (./taskmaster.db) at http://127.0.0.1:8000
	TASKMASTER_DATABASE_URL="$${TASKMASTER_DATABASE_URL:-sqlite:///./taskmaster.db}" \
		$(VENV)/bin/taskmaster-server serve

.PHONY: demo
demo: $(STAMP)  ## start the server on a temporary SQLite db and run examples/quickstart.py
	scripts/demo

clean:  ## remove .venv, node_modules, caches and build output
	rm -rf $(VENV) node_modules build dist .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
