# VISD Hub: the two commands of the README, and a few helpers.
#   make demo   set up everything on a fresh clone and serve http://127.0.0.1:8000
#               (embedded SQLite, Django's development server, no debug pages)
#   make serve  the production way: gunicorn on the configured database (docs/operations.md)
#   make test   install, lint (ruff, rules in pyproject.toml) and run the whole test suite (SQLite;
#               PostgreSQL too when VISD_TEST_DATABASE_URL points at a server, as in CI)

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
VISD   := $(BIN)/visd

.PHONY: demo test install serve clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# The demo serves plain HTTP on 127.0.0.1 without Django's debug pages (VISD_DEBUG=0) and without the
# HTTPS-only settings (VISD_HTTPS=0); `make demo VISD_DEBUG=1` shows them for development.
demo: export VISD_DEBUG ?= 0
demo: export VISD_HTTPS ?= 0
demo: install
	$(VISD) migrate --noinput
	$(VISD) collectstatic --noinput --verbosity 0
	$(VISD) load-reference
	$(VISD) load-screening-rules
	$(VISD) load-demo
	$(VISD) tag
	$(VISD) create-admin --username admin
	@echo "VISD Hub runs at http://127.0.0.1:8000  (Ctrl+C stops it)"
	$(VISD) runserver 127.0.0.1:8000

# Production: settings from the environment (DATABASE_URL, VISD_SECRET_KEY, VISD_ALLOWED_HOSTS; DEBUG
# off), static files collected for WhiteNoise, the database migrated, gunicorn on VISD_BIND
# (127.0.0.1:8000, behind the TLS proxy). See docs/operations.md.
# The same start as the container image's (Containerfile): scripts/serve.
serve: export VISD_DEBUG ?= 0
serve: install
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/serve

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest
	@if [ -n "$$VISD_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$VISD_TEST_DATABASE_URL) =="; \
		DATABASE_URL="$$VISD_TEST_DATABASE_URL" $(BIN)/pytest -m "not browser"; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
