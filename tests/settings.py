"""Settings for the test suite: the real settings module, fed a production-like environment.

``LEDGERLINK_TEST_POSTGRES=1`` (set by ``make test-postgres``) points the database at PostgreSQL on
127.0.0.1:5432, database ``test`` (pytest-django creates ``test_test`` beside it). Whether that server is
reachable is decided here once; tests/conftest.py skips or fails accordingly.
"""

from __future__ import annotations

import os
import tempfile

_TEST_KEY = "Jm1yT0J0c2t5cG9xV3F4a0ZRZ1k2bWxUc2JzV2R0SGU="  # a fixed Fernet key for tests only

os.environ.setdefault("LEDGERLINK_SECRET_KEY", "tests-only-secret-key-" + "a1B2c3D4e5F6g7H8i9J0" * 2)
os.environ.setdefault("LEDGERLINK_ENCRYPTION_KEYS", _TEST_KEY)
os.environ.setdefault("LEDGERLINK_BASE_DOMAIN", "localhost")
os.environ.setdefault("LEDGERLINK_ALLOWED_HOSTS", "localhost,.localhost")
os.environ.setdefault("LEDGERLINK_PUBLIC_SCHEME", "http")
os.environ.setdefault("LEDGERLINK_ALLOW_HTTP", "1")  # the test client speaks http; production refuses it otherwise
os.environ.setdefault("LEDGERLINK_LOG_FORMAT", "text")
# In-process tests post in the test's own thread (its transaction holds their rows); the served worker and
# tests/journals/test_senders.py use several senders.
os.environ.setdefault("LEDGERLINK_POSTING_SENDERS", "1")
os.environ.setdefault("LEDGERLINK_VAR_DIR", tempfile.mkdtemp(prefix="ledgerlink-tests-"))
# Each xdist process has a var/ of its own: the SQLite worker's wake file is compared by its modification time,
# and another process's test under a frozen clock (time-machine) writes the same time again and again, which
# once hid a wake and left tests/core/test_wake.py waiting for an hour.
_xdist = os.environ.get("PYTEST_XDIST_WORKER")
if _xdist and os.path.basename(os.environ["LEDGERLINK_VAR_DIR"]) != _xdist:
    os.environ["LEDGERLINK_VAR_DIR"] = os.path.join(os.environ["LEDGERLINK_VAR_DIR"], _xdist)
    os.makedirs(os.environ["LEDGERLINK_VAR_DIR"], exist_ok=True)
os.environ.pop("LEDGERLINK_DEBUG", None)

POSTGRES_URL = os.environ.get("LEDGERLINK_TEST_POSTGRES_URL", "postgres://root@127.0.0.1:5432/test")
POSTGRES_WANTED = os.environ.get("LEDGERLINK_TEST_POSTGRES") == "1"
POSTGRES_PROBLEM: str | None = None

if POSTGRES_WANTED:
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL.replace("postgres://", "postgresql://"), connect_timeout=3).close()
    except Exception as exc:
        POSTGRES_PROBLEM = f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}".strip()
    else:
        os.environ["DATABASE_URL"] = POSTGRES_URL
else:
    os.environ.pop("DATABASE_URL", None)

from ledgerlink.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "ledgerlink.core.sqlite":  # noqa: F405
    # A file, not memory, so that tests with several processes (workers) share the test database.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["LEDGERLINK_VAR_DIR"], "test.sqlite3")}  # noqa: F405
