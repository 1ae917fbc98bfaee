# symptomcheck: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development defaults; production sets DJANGO_SECRET_KEY and leaves DJANGO_DEBUG unset.
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run setup install migrate load test lint audit benchmark benchmark-in-process serve-prod faults scaleout openapi contract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-contract: requirements-contract.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-contract.txt
	touch $@

# Playwright's Python package only: it drives Debian's Chromium and downloads no browser.
$(VENV)/.installed-browser: requirements-browser.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-browser.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

load: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_knowledge_base

setup: load

## Set everything up and serve the app on http://127.0.0.1:$(PORT)
run: setup
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (DATABASE_URL selects PostgreSQL; SQLite otherwise)
test: install $(VENV)/.installed-browser
	$(DEV_ENV) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict procedures/triage
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

audit: load
	$(DEV_ENV) $(BIN)/python manage.py audit_vignettes tests/vignettes/*.json tests/vignettes/holdout/*.json $(wildcard ../shared/vignettes/public.json)

## Side by side with a bare Django view under gunicorn + wrk (short: 3 rounds of 4 s); DATABASE_URL = PostgreSQL
benchmark: install
	$(BIN)/pip install --quiet -r requirements-serve.txt
	$(BIN)/python benchmarks/load.py --rounds 3 --seconds 4

## The in-process benchmark (Django's test client; no server, no network)
benchmark-in-process: load
	$(DEV_ENV) $(BIN)/python benchmarks/bench.py

## The production stack locally (gunicorn gthread + nginx on :8080); needs DATABASE_URL (PostgreSQL)
serve-prod: install
	$(BIN)/pip install --quiet -r requirements-serve.txt
	deploy/serve.sh

## Fault injection against that stack: database stopped mid-journey, a worker killed under load
faults: install
	$(BIN)/pip install --quiet -r requirements-serve.txt
	$(BIN)/python tests/faults/run_faults.py

## Regenerate docs/openapi.json from the API's models, and the Python client from it (clients/python)
openapi: $(VENV)/.installed-contract
	$(DEV_ENV) $(BIN)/python manage.py export_openapi
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/openapi-python-client generate --path docs/openapi.json \
		--output-path clients/python --config clients/openapi-python-client.yaml --meta uv --overwrite --fail-on-warning
	rm -rf clients/python/.ruff_cache

## Schemathesis and the generated client against a live server (SQLite, or DATABASE_URL)
contract: $(VENV)/.installed-contract
	$(BIN)/python tests/contract/run_contract.py

## Two app servers on one PostgreSQL behind nginx: balanced, and a release reaches both within 2 s
scaleout: install
	$(BIN)/pip install --quiet -r requirements-serve.txt
	$(BIN)/python tests/scaleout/run_scaleout.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
