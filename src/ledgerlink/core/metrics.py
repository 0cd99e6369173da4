"""Process metrics for Prometheus (``prometheus_client``): what this process did since it started.

Counters and histograms live here; the figures that are the database's (journals and connectors per
status, worker heartbeat age) are read at scrape time by ``operations/metrics.py``. Under gunicorn, and
with the worker on the same machine, every process writes its values to ``PROMETHEUS_MULTIPROC_DIR``
(multi-process mode) and ``/metrics`` adds them up, so a scrape shows the service, not one process.
That variable must be set before ``prometheus_client`` is first imported: ``settings.py`` makes sure
the directory exists, ``make run`` and the systemd units set it (deploy/README.md).

Labels are bounded whatever the number of companies: an endpoint group is one of Exact's resources
(``financialtransaction/GeneralJournalEntries``), a status is an HTTP status class member, an outcome
one of a few words. No company, connector or division is ever a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import httpx
from prometheus_client import Counter, Histogram

EXACT_CALLS = Counter(
    "ledgerlink_exact_calls",
    "Calls to Exact Online, by endpoint group and HTTP status (status 'none': no answer)",
    ["endpoint", "status"],
)
EXACT_RATE_LIMITED = Counter(
    "ledgerlink_exact_rate_limited", "Answers 429 Too Many Requests from Exact Online, by endpoint group", ["endpoint"]
)
TOKEN_CALLS = Counter(
    "ledgerlink_exact_token_calls",
    "Calls to Exact's token endpoint by grant (authorization_code, refresh_token) and outcome "
    "(ok, refused, rate_limited, error, no_answer)",
    ["grant", "outcome"],
)
POSTING_LATENCY = Histogram(
    "ledgerlink_journal_posting_latency_seconds",
    "Time from a journal's acceptance to its posting in Exact",
    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 72 * 3600),
)
JOURNALS_IMPORTED = Counter(
    "ledgerlink_journals_imported", "Journals taken in by file import (new, not repeats), by outcome", ["outcome"]
)

_VERSIONED = re.compile(r"^/api/v\d+/(?:\d+/)?")
_RESOURCE = re.compile(r"^([A-Za-z]+/[A-Za-z]+)")


def endpoint_group(path: str) -> str:
    """``/api/v1/7001/financialtransaction/GeneralJournalEntries(guid'…')`` → ``financialtransaction/
    GeneralJournalEntries``; ``/api/oauth2/token`` → ``oauth2/token``; anything else ``other``."""
    if path.startswith("/api/oauth2/"):
        return "oauth2/" + path.removeprefix("/api/oauth2/").split("/")[0][:20]
    rest = _VERSIONED.sub("", path, count=1)
    if rest == path:
        return "other"
    match = _RESOURCE.match(rest)
    return match.group(1)[:80] if match else "other"


def _token_outcome(status: int | None) -> str:
    if status is None:
        return "no_answer"
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "rate_limited"
    if status in (400, 401, 403):
        return "refused"
    return "error"


def _grant(request: httpx.Request) -> str:
    try:
        grant = parse_qs(request.content.decode("ascii", "replace")).get("grant_type", [""])[0]
    except httpx.RequestNotRead:
        return "unknown"
    return grant if grant in ("authorization_code", "refresh_token") else "other"


def record_exact_call(request: httpx.Request, status: int | None) -> None:
    group = endpoint_group(request.url.path)
    EXACT_CALLS.labels(endpoint=group, status=str(status) if status is not None else "none").inc()
    if status == 429:
        EXACT_RATE_LIMITED.labels(endpoint=group).inc()
    if group == "oauth2/token":
        TOKEN_CALLS.labels(grant=_grant(request), outcome=_token_outcome(status)).inc()


class CountingTransport(httpx.BaseTransport):
    """Wraps the transport that talks to Exact and counts every call (never its content or tokens)."""

    def __init__(self, inner: httpx.BaseTransport, record: Callable[[httpx.Request, int | None], None]) -> None:
        self.inner = inner
        self.record = record

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
        except httpx.HTTPError:
            self.record(request, None)
            raise
        self.record(request, response.status_code)
        return response

    def close(self) -> None:
        self.inner.close()


def counting(transport: httpx.BaseTransport | None) -> httpx.BaseTransport:
    return CountingTransport(transport or httpx.HTTPTransport(), record_exact_call)


def journal_posted(accepted_at: datetime, posted_at: datetime) -> None:
    POSTING_LATENCY.observe(max((posted_at - accepted_at).total_seconds(), 0.0))
