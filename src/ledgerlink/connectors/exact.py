"""Building exactlink clients for a connector: the region or sandbox, our clock, our limits and budgets."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from exactlink import ExactClient, ExactConfig, Governor, OAuthClient, TokenProvider
from ledgerlink.connectors import budgets
from ledgerlink.connectors.choices import REGIONS, SANDBOX
from ledgerlink.connectors.models import Connector
from ledgerlink.connectors.ratelimits import DatabaseStore, app_of
from ledgerlink.core import clock, crypto, metrics

TOKEN_TIMEOUT = 15.0  # seconds; below SQLite's lock timeout (settings) and the refresh claim's age (decision.py)
# The longest a person (a page, a command) waits in one go for Exact's minute window; longer → "try later".
INTERACTIVE_WAIT = 5.0


class SharedTransport(httpx.BaseTransport):
    """The process's one TLS context, lent to every client of every connector, with a small connection pool
    for each thread that calls Exact.

    Building a TLS context costs tens of milliseconds of CPU; a client per claimed batch and per refresh
    paid it each time (issue 13). Clients come and go; their ``close()`` leaves the pools open. A forked
    child (gunicorn, the worker's helpers) builds its own, since sockets must not be shared across processes.

    A pool per thread, not one for all: httpcore looks at every connection of a pool on each request and each
    answer, twice over for its idle ones, so one pool of a 64-sender worker's 64 kept connections spent 12 %
    of the worker's time choosing one (py-spy, issue 13). A thread makes one call at a time; its pool keeps
    that connection alive between calls. The pool of a thread that ended is closed when the next is made.
    """

    PER_THREAD = 4  # connections a thread's pool may open and keep (one call at a time; room for a second host)

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.ssl_context = httpx.create_ssl_context()
        self._pools: dict[int, tuple[weakref.ref[threading.Thread], httpx.HTTPTransport]] = {}
        self._lock = threading.Lock()

    def pool(self) -> httpx.HTTPTransport:
        """The calling thread's pool."""
        thread = threading.current_thread()
        found = self._pools.get(thread.ident or 0)
        if found is not None and found[0]() is thread:
            return found[1]
        limits = httpx.Limits(max_connections=self.PER_THREAD, max_keepalive_connections=self.PER_THREAD)
        made = httpx.HTTPTransport(verify=self.ssl_context, limits=limits)
        with self._lock:
            ended = [ident for ident, (ref, _) in self._pools.items() if (t := ref()) is None or not t.is_alive()]
            for ident in ended:
                self._pools.pop(ident)[1].close()
            self._pools[thread.ident or 0] = (weakref.ref(thread), made)
        return made

    def pools(self) -> int:
        """How many pools are open (one per thread that called Exact and has not ended, until the next sweep)."""
        return len(self._pools)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.pool().handle_request(request)

    def close(self) -> None:
        """A client closing: nothing to do, the pools outlive it."""


_shared: SharedTransport | None = None
_shared_lock = threading.Lock()


def shared_transport() -> SharedTransport:
    global _shared
    with _shared_lock:
        if _shared is None or _shared.pid != os.getpid():
            _shared = SharedTransport()
        return _shared


def region_choices() -> list[tuple[str, str]]:
    choices = [(code, str(label)) for code, label in REGIONS.items()]
    if settings.LEDGERLINK_EXACT_SANDBOX_URL:
        choices.insert(0, (SANDBOX, _("Sandbox (%(url)s)") % {"url": settings.LEDGERLINK_EXACT_SANDBOX_URL}))
    return choices


def config_for(
    connector: Connector, *, transport: httpx.BaseTransport | None = None, timeout: float = 30.0
) -> ExactConfig:
    base_url = settings.LEDGERLINK_EXACT_SANDBOX_URL if connector.region == SANDBOX else None
    if connector.region == SANDBOX and not base_url:
        raise ValueError("region 'sandbox' needs LEDGERLINK_EXACT_SANDBOX_URL")
    return ExactConfig(
        region="nl" if base_url else connector.region,
        base_url=base_url,
        timeout=timeout,
        transport=metrics.counting(
            transport or shared_transport()
        ),  # counts calls per endpoint group and status (/metrics)
        clock=clock.now,
        user_agent="ledgerlink",
    )


def oauth_for(connector: Connector) -> OAuthClient:
    """The token endpoint client for this connector's app. The secret is unsealed only here."""
    return OAuthClient(
        config_for(connector, timeout=TOKEN_TIMEOUT),
        connector.client_id,
        crypto.unseal(connector.client_secret_sealed),
        connector.callback_url,
    )


def client_for(
    connector: Connector,
    tokens: TokenProvider,
    *,
    max_wait: float = INTERACTIVE_WAIT,
    sleep: Callable[[float], None] | None = None,
) -> ExactClient:
    """A client whose rate limits and error budget live in the database, shared by every process.

    ``max_wait`` is the longest single wait the caller allows (a worker passes what its round can spare):
    a longer one raises ``RateLimited`` with ``retry_at`` instead of sleeping.
    """
    governor = Governor(
        DatabaseStore(), clock=clock.now, sleep=sleep, max_wait=max_wait, error_budget=budgets.error_budget()
    )
    return ExactClient(
        config_for(connector, timeout=settings.LEDGERLINK_EXACT_TIMEOUT),
        tokens,
        client_id=app_of(connector),
        governor=governor,
        sleep=sleep,
        max_wait=max_wait,
    )
