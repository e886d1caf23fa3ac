# jamak: the commands the README names. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
IAC_VENV := .venv-iac
STAMP_IAC := $(IAC_VENV)/.installed
AUDIT_VENV := .venv-audit
STAMP_AUDIT := $(AUDIT_VENV)/.installed
LOCK_FLAGS := --generate-hashes --no-emit-index-url --no-emit-find-links --allow-unsafe --strip-extras

.PHONY: help serve install install-dev system-deps test check lint typecheck imports unit kernels format bench bench-timing clean lock audit

help:
	@echo "make serve       set up and start jamak (web app + API + workers) on http://127.0.0.1:8000"
	@echo "make test        set up everything the tests need, then run lint, types, import contracts and tests"
	@echo "make kernels     the recognition and eval tests under every CPU kernel family and compute type"
	@echo "make bench       speed and accuracy against faster-whisper on ../shared/eval (see bench/README.md)"
	@echo "make bench-timing  when cues appear and vanish against the voice, vs faster-whisper (bench/README.md)"
	@echo "make format      ruff format + autofix"
	@echo "make lock        pin the images' dependencies with hashes (deploy/requirements-*.lock)"
	@echo "make audit       scan the images' locks for known vulnerabilities (pip-audit; needs the internet)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[models]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[models,aws,dev]'
	touch $@ $(STAMP_RUN)

# checkov pins its own boto3, so it lives apart (deploy/requirements-iac.txt).
$(STAMP_IAC): deploy/requirements-iac.txt
	$(PYTHON) -m venv $(IAC_VENV)
	$(IAC_VENV)/bin/pip install --quiet -r deploy/requirements-iac.txt
	touch $@

$(STAMP_AUDIT): deploy/requirements-audit.txt
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet -r deploy/requirements-audit.txt
	touch $@

# The worker images install deploy/requirements-worker.lock, the Lambda image
# deploy/requirements-api.lock (docs/aws.md, "Pinned image dependencies").
lock: $(STAMP_AUDIT)
	$(AUDIT_VENV)/bin/pip-compile --quiet $(LOCK_FLAGS) --extra aws --extra models \
		--output-file deploy/requirements-worker.lock pyproject.toml
	$(AUDIT_VENV)/bin/pip-compile --quiet $(LOCK_FLAGS) \
		--output-file deploy/requirements-api.lock deploy/requirements-api.in

# Opt-in, not part of `make test`: pip-audit asks an online advisory database. --strict fails
# on any package it could not look up, so an unreachable database never reads as clean.
audit: $(STAMP_AUDIT)
	$(AUDIT_VENV)/bin/pip-audit --strict --disable-pip --no-deps --progress-spinner off \
		-r deploy/requirements-worker.lock -r deploy/requirements-api.lock

install: $(STAMP_RUN)
install-dev: $(STAMP_DEV) $(STAMP_IAC)

serve: install
	$(BIN)/jamak serve

system-deps:
	scripts/install-system-deps

test: system-deps install-dev check

check: lint typecheck imports unit kernels

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

unit:
	$(BIN)/pytest -q

# The model tests again under each CTranslate2 CPU kernel family and compute type on offer.
kernels:
	scripts/test-kernels

format:
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install-dev
	$(BIN)/python -m bench.run

bench-timing: install-dev
	$(BIN)/python -m bench.timing.run

clean:
	rm -rf $(VENV) $(AUDIT_VENV) .mypy_cache .ruff_cache .pytest_cache
