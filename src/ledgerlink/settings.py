"""Settings, all from the environment (README lists them).

Outside development (``LEDGERLINK_DEBUG`` unset) start-up stops with one message naming every
required setting that is missing. Development fallbacks exist only with ``LEDGERLINK_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ledgerlink.core import env
from ledgerlink.core.crypto import new_key, parse_keys
from ledgerlink.core.files import private_dir, private_sqlite_file, write_private
from ledgerlink.core.hardening import weak_production_settings

DEBUG = env.get_bool("LEDGERLINK_DEBUG", default=False)
VAR_DIR = Path(env.get_str("LEDGERLINK_VAR_DIR") or Path.cwd() / "var")

REQUIRED_IN_PRODUCTION = (
    "LEDGERLINK_SECRET_KEY",
    "LEDGERLINK_ENCRYPTION_KEYS",
    "LEDGERLINK_BASE_DOMAIN",
    "LEDGERLINK_ALLOWED_HOSTS",
)


def _dev_encryption_key() -> str:
    """A development key kept under var/ so that demo data stays readable between runs."""
    private_dir(VAR_DIR)
    path = VAR_DIR / "dev-encryption.key"
    if not path.exists():
        write_private(path, new_key() + "\n")
    return path.read_text().strip()


if not DEBUG:
    missing = [name for name in REQUIRED_IN_PRODUCTION if env.get_str(name) is None]
    if missing:
        raise ImproperlyConfigured(
            "Missing required settings: "
            + ", ".join(missing)
            + " (set them in the environment; LEDGERLINK_DEBUG=1 uses development values)"
        )
    SECRET_KEY = env.get_str("LEDGERLINK_SECRET_KEY")
    LEDGERLINK_ENCRYPTION_KEYS = env.get_list("LEDGERLINK_ENCRYPTION_KEYS")
    LEDGERLINK_BASE_DOMAIN = (env.get_str("LEDGERLINK_BASE_DOMAIN") or "").lower()
    ALLOWED_HOSTS = env.get_list("LEDGERLINK_ALLOWED_HOSTS")
    weak = weak_production_settings(
        secret_key=SECRET_KEY or "",
        allowed_hosts=ALLOWED_HOSTS,
        public_scheme=env.get_choice("LEDGERLINK_PUBLIC_SCHEME", ("http", "https"), "https"),
        allow_http=env.get_bool("LEDGERLINK_ALLOW_HTTP", default=False),
    )
    if weak:
        raise ImproperlyConfigured("Unsafe settings for production: " + "; ".join(weak))
else:
    sys.stderr.write("ledgerlink: LEDGERLINK_DEBUG=1, development settings in use\n")
    SECRET_KEY = env.get_str("LEDGERLINK_SECRET_KEY") or "development-only-secret-key-not-for-production"
    LEDGERLINK_ENCRYPTION_KEYS = env.get_list("LEDGERLINK_ENCRYPTION_KEYS") or [_dev_encryption_key()]
    LEDGERLINK_BASE_DOMAIN = (env.get_str("LEDGERLINK_BASE_DOMAIN") or "localhost").lower()
    ALLOWED_HOSTS = env.get_list("LEDGERLINK_ALLOWED_HOSTS") or [
        LEDGERLINK_BASE_DOMAIN,
        "." + LEDGERLINK_BASE_DOMAIN,
    ]

parse_keys(LEDGERLINK_ENCRYPTION_KEYS)  # a malformed key stops start-up here, not at the first secret

LEDGERLINK_PUBLIC_SCHEME = env.get_choice("LEDGERLINK_PUBLIC_SCHEME", ("http", "https"), "http" if DEBUG else "https")
# Outside development, http is refused unless this states that TLS is terminated elsewhere (README).
LEDGERLINK_ALLOW_HTTP = env.get_bool("LEDGERLINK_ALLOW_HTTP", default=False)
# Addresses (exact IPs) of reverse proxies whose X-Forwarded-Host/-Proto/-For headers are believed.
LEDGERLINK_TRUSTED_PROXIES = env.get_list("LEDGERLINK_TRUSTED_PROXIES")
# Development: the demo's sandbox (`make run` starts it there), so commands in a second terminal find it too.
LEDGERLINK_EXACT_SANDBOX_URL = env.get_str("LEDGERLINK_EXACT_SANDBOX_URL") or (
    "http://127.0.0.1:8001" if DEBUG else None
)
# Exact's budgets: 200 token calls per app and user a day, 10 error answers per endpoint an hour; stop short.
LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY = env.get_int("LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY", 190)
LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR = env.get_int("LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR", 9)
# The worker refreshes connected connectors whose tokens are older than this, so the 30-day expiry never bites.
LEDGERLINK_KEEPALIVE_HOURS = env.get_int("LEDGERLINK_KEEPALIVE_HOURS", 24)
LEDGERLINK_WORKER_INTERVAL_SECONDS = env.get_int("LEDGERLINK_WORKER_INTERVAL_SECONDS", 5)
# A worker whose heartbeat is older than this counts as gone (/readyz, the console, the Journals page warning):
# two worker intervals, at least a minute, since one round may deliver webhooks for 20 s and beats only between
# jobs (posting runs in a lane of its own).
LEDGERLINK_WORKER_STALE_SECONDS = env.get_int(
    "LEDGERLINK_WORKER_STALE_SECONDS", max(2 * LEDGERLINK_WORKER_INTERVAL_SECONDS, 60)
)
LEDGERLINK_EXACT_TIMEOUT = float(env.get_int("LEDGERLINK_EXACT_TIMEOUT_SECONDS", 30))  # REST calls to Exact
# A journal left "sending" longer than this belongs to a worker that died; it is looked up in Exact again.
# 0 (the default): the shortest safe time, derived from the Exact timeout; a shorter value stops start-up
# (journals/posting.py stuck_minimum, journals/checks.py).
LEDGERLINK_SENDING_STUCK_SECONDS = env.get_int("LEDGERLINK_SENDING_STUCK_SECONDS", 0)
# Connectors one worker process posts for at the same time (threads; one sender per connector, ADR 0020).
# Exact answers in hundreds of milliseconds: one sender posts about 3 journals a second, whatever is waiting.
LEDGERLINK_POSTING_SENDERS = env.get_int("LEDGERLINK_POSTING_SENDERS", 16)
# Outgoing webhooks (webhooks/guard.py): outside development only https receivers on public addresses, unless
# these allow plain http or private addresses (an ERP on the company's own network).
LEDGERLINK_WEBHOOKS_ALLOW_HTTP = env.get_bool("LEDGERLINK_WEBHOOKS_ALLOW_HTTP", default=DEBUG)
LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE = env.get_bool("LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE", default=False)
LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT = env.get_int("LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS = env.get_int("LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LEDGERLINK_LOGIN_THROTTLE_MINUTES = env.get_int("LEDGERLINK_LOGIN_THROTTLE_MINUTES", 15)

# The operator console: a connector "needs attention" when journals have been queued longer than this, or
# its refresh token is within this many days of Exact's 30-day expiry.
LEDGERLINK_ATTENTION_QUEUED_MINUTES = env.get_int("LEDGERLINK_ATTENTION_QUEUED_MINUTES", 60)
LEDGERLINK_ATTENTION_TOKEN_DAYS = env.get_int("LEDGERLINK_ATTENTION_TOKEN_DAYS", 7)
# /metrics: the bearer token Prometheus must send (unset: open, and production start-up warns).
LEDGERLINK_METRICS_TOKEN = env.get_str("LEDGERLINK_METRICS_TOKEN")
# prometheus_client's multi-process mode (gunicorn's workers and the worker add up): the directory must exist
# before the first metric is made; it is set by `make run` and the systemd units, not by this module.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

_DATABASE_URL = env.get_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ledgerlink.sqlite3'}"
# How long a process keeps its database connection, checked before each request reuses one
# (CONN_HEALTH_CHECKS), so a restarted database costs no failed request. A connection per request is dear on
# both databases (bench_api.py): on PostgreSQL each new one is a new server process (76 against 165
# journals/s); on SQLite each one registers Django's functions, runs the PRAGMAs below and starts with an
# empty page cache (server CPU per POST 11.1 against 8.4 ms, GET /healthz 4.7 against 1.3 ms).
_CONN_MAX_AGE_DEFAULT = 60
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env.get_int("LEDGERLINK_DB_CONN_MAX_AGE", _CONN_MAX_AGE_DEFAULT),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with the process's writers queued in the process (core/sqlite/base.py, docs/adr/0028).
    DATABASES["default"]["ENGINE"] = "ledgerlink.core.sqlite"
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_sqlite_file(Path(DATABASES["default"]["NAME"]), VAR_DIR)  # 0600 in a 0700 var/
    # WAL lets the worker write while pages read; IMMEDIATE makes a write transaction take the write
    # lock at BEGIN, which is what our "row lock" on SQLite relies on (see core/locks.py). A page cache of 32 MiB
    # per connection instead of SQLite's 2 MiB: with 200,000 journal lines the indexes no longer fit in 2 MiB,
    # and a 50,000-entry import's write transactions grew past what another company's request waits for
    # without noticing (bench_import.py: its p95 during the import 2.20 → 1.94 times its usual).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;",
    }

# On PostgreSQL, parameters are bound by the server and a statement a connection runs again and again is prepared
# (psycopg's own threshold: at its fifth run): PostgreSQL no longer parses and plans the intake's and the worker's
# few statements each time (bench_api.py: 1.8 → 1.1 ms of PostgreSQL's CPU per accepted journal; docs/adr/0027).
# Django leaves both off for connection poolers: behind a PgBouncer in transaction mode older than
# 1.21 (or without max_prepared_statements), set LEDGERLINK_DB_PREPARED_STATEMENTS=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.get_bool(
    "LEDGERLINK_DB_PREPARED_STATEMENTS", True
):
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "ninja",  # serves the API docs page's Swagger files itself: no CDN
    "django_tasks",
    "django_tasks_db",  # background tasks in the database, run by our worker (docs/adr/0021)
    "ledgerlink.core",
    "ledgerlink.tenancy",
    "ledgerlink.connectors",
    "ledgerlink.journals",
    "ledgerlink.closings",
    "ledgerlink.operations",
    "ledgerlink.webhooks",  # after journals: its worker job delivers what that round's posting announced
    "ledgerlink.web",
    "ledgerlink.demo",
]

MIDDLEWARE = [
    "ledgerlink.tenancy.middleware.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ledgerlink.tenancy.middleware.CompanyHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ledgerlink.core.text.RefuseBadCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ledgerlink.tenancy.middleware.TenantUserMiddleware",
    "ledgerlink.tenancy.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Background tasks (webhook deliveries): django-tasks with its database backend, run by `ledgerlink worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "webhooks"]}}

ROOT_URLCONF = "ledgerlink.urls"
WSGI_APPLICATION = "ledgerlink.wsgi.application"
AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = ["ledgerlink.tenancy.backends.CompanyUserBackend"]
LOGIN_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Every password that is set (pages, `ledgerlink user`) passes these (docs/adr/0007-security-hardening.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
]
SILENCED_SYSTEM_CHECKS = [
    # User names are unique per company, not globally; our backend knows that (tenancy/backends.py).
    "auth.W004",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ledgerlink.web.context.navigation",
            ],
        },
    }
]

# Sessions and CSRF cookies are host-only (no Domain attribute): a session on one company's host is
# never sent to another company's host.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = LEDGERLINK_PUBLIC_SCHEME == "https"
CSRF_COOKIE_SECURE = LEDGERLINK_PUBLIC_SCHEME == "https"
SESSION_COOKIE_AGE = 12 * 3600
# The language chosen before signing in (tenancy/views_language.py); signed in, the user's setting decides.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = LEDGERLINK_PUBLIC_SCHEME == "https"
# Django always trusts a form posted from the request's own host; besides that only the bare domain is
# trusted, never every company's host (one company's page must not post into another's).
CSRF_TRUSTED_ORIGINS = [f"{LEDGERLINK_PUBLIC_SCHEME}://{LEDGERLINK_BASE_DOMAIN}"]
X_FRAME_OPTIONS = "DENY"
# https: browsers come back only over https, to this host and every company's host (they all live under the
# base domain); plain http is redirected (the proxy example redirects before it gets here). /healthz
# and /readyz are probed by address over http.
SECURE_HSTS_SECONDS = (
    env.get_int("LEDGERLINK_HSTS_SECONDS", 365 * 24 * 3600) if LEDGERLINK_PUBLIC_SCHEME == "https" else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.get_bool("LEDGERLINK_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = LEDGERLINK_PUBLIC_SCHEME == "https"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if not SECURE_HSTS_PRELOAD:
    # Asking browsers' preload lists to carry the base domain is the domain owner's decision (it binds every
    # host under it, ours or not); LEDGERLINK_HSTS_PRELOAD=1 makes it, until then the check's advice is noted.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
# The connector screen opens Exact's login in a popup that must keep its opener to report back
# (connectors/views.py sets "unsafe-none" on the popup's own pages).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): our own scripts and styles only, nothing inline, no eval.
# The login on the bare domain redirects to the company's host after its form is posted, so form-action
# names the company hosts; the oAuth popup is opened by script (window.open), not by a form.
_COMPANY_HOSTS = f"{LEDGERLINK_PUBLIC_SCHEME}://*.{LEDGERLINK_BASE_DOMAIN}:*"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", _COMPANY_HOSTS],
    },
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"  # display default; storage is UTC
LOCALE_PATHS = [Path(__file__).parent / "locale"]
FORMAT_MODULE_PATH = ["ledgerlink.formats"]  # 30-11-2026 and 1.234,56 in Dutch; ISO dates in English

STATIC_URL = "/static/"
STATIC_ROOT = env.get_str("LEDGERLINK_STATIC_ROOT")  # only for `collectstatic` behind a proxy
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders; no collectstatic step needed
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = env.get_str(
    "LEDGERLINK_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.get_str("LEDGERLINK_FROM_EMAIL", "ledgerlink@" + LEDGERLINK_BASE_DOMAIN)

LOG_FORMAT = env.get_choice("LEDGERLINK_LOG_FORMAT", ("json", "text"), "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "ledgerlink.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "ledgerlink.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": env.get_str("LEDGERLINK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
