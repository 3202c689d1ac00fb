# Two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export AIGAQ_DATA_DIR ?= $(CURDIR)/var
export AIGAQ_PORT ?= 8000

.PHONY: run demo-network test test-sqlite test-postgres lint messages clean-demo help deploy-test

help:
	@echo "make run    set up .venv, migrate, load demo data (first time), serve on http://127.0.0.1:$(AIGAQ_PORT)/"
	@echo "make demo-network  serve a key service, a hub and three member instances on 127.0.0.1 (docs/network.md)"
	@echo "make test   install test dependencies and run the whole suite (also on PostgreSQL if AIGAQ_TEST_DATABASE_URL is set)"
	@echo "make lint   ruff, mypy, import-linter (the layers) and vulture (dead code)"
	@echo "make deploy-test  the documented deployment for real: PostgreSQL, nginx (deploy/), HTTPS checks (about a minute)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Aigaq needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed $@

run: $(VENV)/.installed
	@tools/system-packages run
	@mkdir -p -m 0700 "$(AIGAQ_DATA_DIR)"
	AIGAQ_DEV=1 $(BIN)/aigaq keys init --if-missing
	AIGAQ_DEV=1 $(BIN)/aigaq manage migrate --verbosity 0
	AIGAQ_DEV=1 $(BIN)/aigaq demo --if-empty
	AIGAQ_DEV=1 $(BIN)/aigaq serve

# The network of organisations: five processes, each with its data under $(AIGAQ_DATA_DIR)/network/.
demo-network: $(VENV)/.installed
	@tools/system-packages run
	$(BIN)/python -m aigaq.demo.network

test: $(VENV)/.installed-test
	@tools/system-packages test
	$(BIN)/pytest -p no:cacheprovider -n 2 --dist loadgroup
	@if [ -n "$$AIGAQ_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL ($$AIGAQ_TEST_DATABASE_URL) =="; \
		AIGAQ_TEST_ON_POSTGRES=1 $(BIN)/pytest -p no:cacheprovider -n 2 --dist loadgroup; \
	fi

# The deployment of docs/deploy.md on this machine: production mode on a fresh PostgreSQL database
# (AIGAQ_TEST_DATABASE_URL's server, else 127.0.0.1:5432 as postgres) behind nginx with the files in
# deploy/, checked over HTTPS, then stopped. Not part of `make test`.
deploy-test: $(VENV)/.installed
	@tools/system-packages run
	@tools/system-packages deploy
	$(BIN)/python deploy/test/run.py

# vulture's "unused variable" in models.py, forms.py and cases/inputs.py are fields, read by name.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache
	@dead=$$($(BIN)/vulture 2>&1 | grep -vE '/(models|forms|inputs)\.py:[0-9]+: unused variable' || true); \
	if [ -n "$$dead" ]; then echo "$$dead"; \
		echo "dead code (vulture): remove it, or add a reviewed entry to vulture_whitelist.py"; exit 1; \
	else echo "vulture: no dead code"; fi

messages: $(VENV)/.installed-test
	cd src/aigaq && ../../$(BIN)/django-admin makemessages -l kk -l ru --no-obsolete --no-location
	cd src/aigaq && ../../$(BIN)/django-admin compilemessages
