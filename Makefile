# The two commands of the README: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9

# The Dutch catalogue (src/ledgerlink/locale/nl/LC_MESSAGES/django.po) is compiled here, never committed compiled.
PO := src/ledgerlink/locale/nl/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)

.PHONY: run test lint test-sqlite test-postgres bench clean messages

$(STAMP): requirements.lock pyproject.toml packages/exactlink/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e packages/exactlink -e .
	touch $(STAMP)

$(MO): $(PO)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install GNU gettext (Debian: apt-get install gettext)"; exit 1; }
	msgfmt --check -o $@ $<

# After adding or changing a user-facing string: update the catalogue, translate what it marks new, compile.
messages: $(STAMP)
	LEDGERLINK_DEBUG=1 DJANGO_SETTINGS_MODULE=ledgerlink.settings $(BIN)/python -m django makemessages
	msgfmt --check --statistics -o $(MO) $(PO)

run: $(STAMP) $(MO)
	LEDGERLINK_DEBUG=1 LEDGERLINK_EXACT_SANDBOX_URL=$${LEDGERLINK_EXACT_SANDBOX_URL:-http://127.0.0.1:8001} \
	PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$(CURDIR)/var/metrics} $(BIN)/ledgerlink demo

lint: $(STAMP)
	$(BIN)/ruff check src packages tests bench scripts
	$(BIN)/ruff format --check src packages tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py

# The suite runs on both cores of the machine it is made for (pytest-xdist; TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= 2

test-sqlite: $(STAMP) $(MO)
	$(BIN)/pytest -n $(TEST_WORKERS)

# The database-dependent part of the suite again on PostgreSQL (see tests/conftest.py).
test-postgres: $(STAMP) $(MO)
	LEDGERLINK_TEST_POSTGRES=1 $(BIN)/pytest -n $(TEST_WORKERS) -m "django_db or postgres"

test: lint test-sqlite test-postgres

# Figures, printed, never asserted (they depend on the machine): see bench/*.py for what each measures.
bench: $(STAMP)
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 $(MO)
