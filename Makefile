# Two commands for a newcomer:  make run   and   make test
# Everything else here is what those two need.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the printed QR codes and links point: PUBLIC_BASE_URL as set (make variable,
# environment or .env), else the address `make run` serves, so `make run PORT=8080` prints
# codes for port 8080. Serving on 0.0.0.0 for other machines: set it to the address they use.
PUBLIC_BASE_URL ?= $(shell sed -n 's/^PUBLIC_BASE_URL=\([^[:space:]#]*\).*/\1/p' .env 2>/dev/null)
SERVED_URL = $(or $(PUBLIC_BASE_URL),http://$(HOST):$(PORT))

.PHONY: run test lint system-deps test-deps venv assets migrate seed messages check-deploy bench bench-data bench-pages clean

## make run: install what is missing, migrate, seed demo data, serve on http://$(HOST):$(PORT) (SQLite; default 127.0.0.1:8000)
run: system-deps venv assets messages
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py seed_demo
	@echo "后台地址 / back office: http://$(HOST):$(PORT)/admin/   文书二维码指向 / QR codes point to: $(SERVED_URL)"
	PUBLIC_BASE_URL=$(SERVED_URL) DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py runserver $(HOST):$(PORT)

## make test: prepare the same way, lint, and run the whole suite (honours DATABASE_URL),
## spread over the machine's CPUs by pytest-xdist (TEST_WORKERS=0 runs it in one process)
TEST_WORKERS ?= auto
test: test-deps venv assets messages lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

LINTED := audit cases funding voting documents notices owners upkeep notifications oversight demo config benchmarks conftest.py manage.py
lint: venv
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

system-deps:
	@.ci/system-deps

test-deps:
	@.ci/system-deps --test

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

## make assets: the front-end files package.json pins (Bootstrap), from the npm registry into
## node_modules/, served by Django as static files: no CDN (government intranets have none)
ASSETS_STAMP := node_modules/.package-lock.json
assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(ASSETS_STAMP)

messages: venv
	@DJANGO_SETTINGS_MODULE=config.settings.local $(PY) manage.py compilemessages --ignore=.venv -v 0

check-deploy: venv assets
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=elevator.example.gov.cn EMAIL_URL=smtp+tls://user:pass@mail.example.gov.cn:587 \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: venv system-deps
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) benchmarks/run.py

## make bench-data: the page benchmark's databases on the local PostgreSQL (dropped and made again):
## elevator_bench_small (the demo alone) and elevator_bench (the demo and BENCH_CASES more cases)
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_CASES ?= 20000
bench-data: venv
	DATABASE_URL=$(BENCH_SERVER)/elevator_bench_small $(PY) benchmarks/generate.py --cases 0 --recreate
	DATABASE_URL=$(BENCH_SERVER)/elevator_bench $(PY) benchmarks/generate.py --cases $(BENCH_CASES) --recreate

## make bench-pages: time the staff pages on those databases and write the table into README.md
bench-pages: venv
	DATABASE_URL=$(BENCH_SERVER)/elevator_bench $(PY) benchmarks/pages.py --small-database elevator_bench_small $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
