# ParkBeat: `make run` starts the demo, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.parkbeat-installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= 1
WEB_THREADS ?= 4
PYTEST_ARGS ?=
BENCH_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: help venv run test test-postgres bench messages clean

help:
	@echo "make run            set up and start the demo at http://$(HOST):$(PORT)/ (web server + job consumer)"
	@echo "make test           run the whole test suite (PYTEST_ARGS='...' to narrow it)"
	@echo "make test-postgres  run the suite against a throw-away PostgreSQL database ($(PG_URL))"
	@echo "make bench          run the benchmarks in bench/ (BENCH_ARGS='...')"
	@echo "make messages       compile translations (needs gettext)"
	@echo "make clean          remove the venv and generated files (keeps var/ data: database, keys)"

# The venv is rebuilt only when pyproject.toml or requirements.lock change (the stamp records the install).
venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11+ not found: install python3 (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "$(PYTHON) is older than 3.11; ParkBeat needs Python 3.11+" >&2; exit 1; }
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
	  if ! $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1; then \
	    pkg="$$(basename $(PYTHON))-venv"; \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "==> installing $$pkg (Debian splits venv support out of python3)"; \
	      apt-get install -y -qq "$$pkg" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$$pkg"; }; \
	    else \
	      echo "$(PYTHON) cannot create a venv: run 'sudo apt-get install $$pkg' and retry" >&2; exit 1; \
	    fi; \
	  fi; \
	  echo "==> creating $(VENV) with $(PYTHON)"; \
	  rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	fi
	@echo "==> installing parkbeat and its pinned dependencies into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

# Compile .po -> .mo when there are translations and gettext is present (Django skips up-to-date files).
messages: venv
	@if [ -z "$$(find parkbeat -path '*/locale/*' -name '*.po' -print -quit)" ]; then \
	  echo "==> no translations to compile yet"; \
	elif ! command -v msgfmt >/dev/null; then \
	  echo "==> gettext (msgfmt) not installed, using the committed .mo files (Debian: apt-get install gettext)"; \
	else \
	  $(MANAGE) compilemessages --ignore .venv --ignore .git --ignore node_modules -v0; \
	fi

# The demo: `python -m parkbeat run` migrates, loads the demo station, collects static files, starts the Huey
# consumer and granian (WSGI), prints the address and the demo accounts once and stops both on Ctrl-C, exit 0.
run: venv messages
	@unset DEBUG; export PARKBEAT_DEMO=1; \
	exec $(BIN)/python -m parkbeat run --host $(HOST) --port $(PORT) --web-workers $(WEB_WORKERS) --web-threads $(WEB_THREADS)

# The whole suite; browser/PostgreSQL/Redis tests skip with a message when those are absent
# (set CI=true or PARKBEAT_REQUIRE_ALL=1 to make such a skip a failure).
test: venv messages
	@set +e; $(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	exit $$rc

# The suite against PostgreSQL: a throw-away database, dropped afterwards whatever happens.
test-postgres: venv
	@set -euo pipefail; db="parkbeat_test_$$$$"; \
	psql "$(PG_URL)/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $$db" \
	  || { echo "PostgreSQL not reachable at $(PG_URL) (set PG_URL=postgres://user:pass@host:port)" >&2; exit 1; }; \
	trap 'psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)" -qc "DROP DATABASE IF EXISTS test_$$db WITH (FORCE)" >/dev/null 2>&1' EXIT; \
	echo "==> make test on $(PG_URL)/$$db"; \
	DATABASE_URL="$(PG_URL)/$$db" $(MAKE) --no-print-directory test

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .hypothesis .pytest_cache var/static var/screenshots var/test.sqlite3* var/bench bench/results
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
