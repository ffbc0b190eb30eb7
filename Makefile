# Task Master for Python. Needs only python3 (>= 3.11) and make; everything else is
# installed into .venv (Python and Node.js, pinned by requirements/dev.lock) and node_modules
# (the spec linter and ReDoc, pinned by package-lock.json). The logic lives in scripts/, which
# CI calls too.

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
	@scripts/install
	@touch $@

install: $(STAMP)  ## create .venv with the locked dev environment (instant when up to date)

lock: $(STAMP)  ## re-resolve requirements/dev.lock from pyproject.toml
	scripts/lock

test: $(STAMP)  ## run the test suite (pytest, parallel); installs Chromium for the browser test
	scripts/install-browser
	scripts/test

lint: $(STAMP)  ## ruff check + ruff format --check
	scripts/check lint

typecheck: $(STAMP)  ## mypy --strict on src/ and generated/
	scripts/check typecheck

spec-lint: $(STAMP)  ## openapi-spec-validator + redocly lint on openapi/taskmaster.yaml
	scripts/check spec-lint

generate: $(STAMP)  ## regenerate generated/taskmaster_api and src/taskmaster/_generated from the spec
	scripts/generate

check-generated: $(STAMP)  ## fail if generated/ or src/taskmaster/_generated is stale
	scripts/check-generated

check: $(STAMP)  ## lint, typecheck, spec-lint, check-generated, versions
	scripts/check lint typecheck spec-lint generated versions

docs: $(STAMP)  ## build the docs site into docs/_build/html (ReDoc page + Sphinx, warnings fail)
	scripts/docs

release-check: $(STAMP)  ## build + check the release, publish it to a local index, install and smoke-test
	scripts/release-check

.PHONY: version publish
version: $(STAMP)  ## bump the version (BUMP=patch|minor|major) and open its CHANGELOG section
	@[ -n "$(BUMP)" ] || { echo "usage: make version BUMP=patch|minor|major" >&2; exit 2; }
	$(VENV)/bin/python scripts/versions.py bump $(BUMP)

# Uploads what release-check built and checked (dist/); credentials from TWINE_USERNAME and
# TWINE_PASSWORD (for PyPI: __token__ and an API token).
REPOSITORY_URL ?= https://upload.pypi.org/legacy/
publish: $(STAMP)  ## upload dist/ with twine to REPOSITORY_URL (default PyPI); run release-check first
	scripts/publish "$(REPOSITORY_URL)"

.PHONY: serve
serve: $(STAMP)  ## run the reference server at http://127.0.0.1:8000 (./taskmaster.db, with a demo user)
	scripts/serve

.PHONY: demo
demo: $(STAMP)  ## start the server on a temporary SQLite db and run examples/quickstart.py
	scripts/demo

clean:  ## remove .venv, node_modules, caches and build output
	rm -rf $(VENV) node_modules build dist .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
