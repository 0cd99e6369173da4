# The two commands of the README: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9

.PHONY: run test lint test-sqlite test-postgres bench clean

$(STAMP): requirements.lock pyproject.toml packages/exactlink/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e packages/exactlink -e .
	touch $(STAMP)

run: $(STAMP)
	LEDGERLINK_DEBUG=1 LEDGERLINK_EXACT_SANDBOX_URL=$${LEDGERLINK_EXACT_SANDBOX_URL:-http://127.0.0.1:8001} $(BIN)/ledgerlink demo

lint: $(STAMP)
	$(BIN)/ruff check src packages tests bench scripts
	$(BIN)/ruff format --check src packages tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py

test-sqlite: $(STAMP)
	$(BIN)/pytest

# The database-dependent part of the suite again on PostgreSQL (see tests/conftest.py).
test-postgres: $(STAMP)
	LEDGERLINK_TEST_POSTGRES=1 $(BIN)/pytest -m "django_db or postgres"

test: lint test-sqlite test-postgres

# Figures, printed, never asserted (they depend on the machine): see bench/*.py for what each measures.
bench: $(STAMP)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3
