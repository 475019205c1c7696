# motcua — two commands: `make run` (try it) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install serve clean help

help:
	@echo "make run    - set up everything (venv, install, migrate, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite (SQLite; PostgreSQL if DATABASE_URL points at it)"
	@echo "make lint   - ruff"
	@echo "make bench  - benchmarks (figures recorded in benchmarks/RESULTS.md)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@chmod 600 var/secret_key

# The demo pays through the sandbox gateway (docs/payments.md), with its own generated secret.
var/sandbox_secret:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(40))" > var/sandbox_secret
	@chmod 600 var/sandbox_secret

run: $(STAMP) var/secret_key var/sandbox_secret
	@export SECRET_KEY="$$(cat var/secret_key)"; \
	export MOTCUA_PAYMENT_PROVIDERS="$${MOTCUA_PAYMENT_PROVIDERS-sandbox}"; \
	export MOTCUA_PAYMENT_SANDBOX_SECRET="$${MOTCUA_PAYMENT_SANDBOX_SECRET:-$$(cat var/sandbox_secret)}"; \
	$(BIN)/motcua migrate --noinput -v0 && \
	$(BIN)/motcua collectstatic --noinput -v0 && \
	$(BIN)/motcua demo load --if-empty && \
	echo "" && echo "motcua đang chạy tại / is serving on: http://$(HOST):$(PORT)/   (Ctrl+C để dừng)" && echo "" && \
	{ $(BIN)/motcua db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn motcua.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --error-logfile - --forwarded-allow-ips=127.0.0.1; }

test: $(STAMP)
	SECRET_KEY=test-secret-key-that-is-long-enough-for-checks \
	MOTCUA_TESTING=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# mypy covers the pure modules (no Django): the working-time engine.
MYPY_PURE := $(addprefix src/motcua/workcalendar/,rules.py errors.py statutory.py seed.py calendar.py deadlines.py bulk.py)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy $(MYPY_PURE)

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

# bench_reports.py is left out: 2,000,000 dossiers on two engines take over an hour (run it by hand, see its docstring).
bench: $(STAMP)
	@for script in $(filter-out benchmarks/bench_reports.py,$(wildcard benchmarks/bench_*.py)); do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf var/static .pytest_cache
