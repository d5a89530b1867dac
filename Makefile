# VISD Hub: the two commands of the README, and a few helpers.
#   make demo   set up everything on a fresh clone and serve http://127.0.0.1:8000
#   make test   install and run the whole test suite (SQLite; PostgreSQL too when
#               VISD_TEST_DATABASE_URL points at a server, as in CI)

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

demo: install
	$(VISD) migrate --noinput
	$(VISD) load-reference
	$(VISD) load-screening-rules
	$(VISD) load-demo
	$(VISD) tag
	$(VISD) create-admin --username admin
	@echo "VISD Hub runs at http://127.0.0.1:8000  (Ctrl+C stops it)"
	$(VISD) runserver 127.0.0.1:8000

serve: install
	$(VISD) runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest
	@if [ -n "$$VISD_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$VISD_TEST_DATABASE_URL) =="; \
		DATABASE_URL="$$VISD_TEST_DATABASE_URL" $(BIN)/pytest -m "not browser"; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
