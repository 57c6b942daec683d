# newsweave: `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
CORPUS ?= $(SHARED)/corpus/seeds
META ?= $(SHARED)/corpus/seeds.meta.jsonl
DB ?= newsweave.db
STAMP := $(VENV)/.install.stamp
TEST_STAMP := $(VENV)/.install-test.stamp
# Debian packages of the optional translation slot (Italian to English gist via Spanish)
APT_PACKAGES := apertium apertium-spa-ita apertium-eng-spa cg3

.PHONY: install install-test system run test test-slow bench clean

install: system $(STAMP)

# The test tools on top (pytest, scipy, datasketch, PyTorch for the GPU encoder's tests): only 'make test' needs
# them, and PyTorch is large; 'make run' installs newsweave alone.
install-test: install $(TEST_STAMP)

# Optional: newsweave works without them (summaries keep source-language sentences).
# Tried once per .venv (a stamp), so a machine without apt access is not retried on every make.
system: $(VENV)/.system.stamp

$(VENV)/.system.stamp:
	@mkdir -p $(VENV)
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(APT_PACKAGES) (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1 \
	  || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES) >/dev/null 2>&1; } \
	  || echo "warning: could not apt-get install $(APT_PACKAGES); the apertium translator stays unavailable"; \
	else echo "note: apertium is not installed (optional translator); as root: apt-get install $(APT_PACKAGES)"; fi
	@touch $@

# Re-installs only when the package definition changes; the source is installed
# editable, so code edits need no reinstall.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(TEST_STAMP)

run: install
	$(BIN)/newsweave --db $(DB) run $(CORPUS) $(if $(META),--meta $(META))
	$(BIN)/newsweave --db $(DB) status
	$(BIN)/newsweave --db $(DB) events
	$(BIN)/newsweave --db $(DB) storylines

test: install-test
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-slow: install-test
	$(BIN)/python -m pytest -q -m slow

bench: install
	$(BIN)/python bench/ingest_throughput.py --data $(SHARED)/data --pg postgresql+psycopg://postgres@127.0.0.1:5432/test

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache $(DB) $(DB)-wal $(DB)-shm $(DB).lock
