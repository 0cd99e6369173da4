"""``GET /metrics`` for Prometheus, on the bare domain.

With ``LEDGERLINK_METRICS_TOKEN`` set, a scrape must send ``Authorization: Bearer <token>`` (compared in
constant time); unset, it is open (development; production start-up warns, core/checks.py). Under
gunicorn the process counters of every process in ``PROMETHEUS_MULTIPROC_DIR`` are added up.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from ledgerlink.operations.metrics import DatabaseCollector
from ledgerlink.tenancy import current

_database = DatabaseCollector()


def registry() -> CollectorRegistry:
    """A fresh registry per scrape in multi-process mode (the files change), the process's own otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        fresh = CollectorRegistry()
        multiprocess.MultiProcessCollector(fresh)
        fresh.register(_database)
        return fresh
    if _database not in getattr(REGISTRY, "_collector_to_names", {}):
        REGISTRY.register(_database)
    return REGISTRY


def _authorized(request: HttpRequest) -> bool:
    token = settings.LEDGERLINK_METRICS_TOKEN
    if not token:
        return True
    sent = request.headers.get("Authorization", "")
    return sent.startswith("Bearer ") and hmac.compare_digest(sent.removeprefix("Bearer ").encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not current.on_bare_domain(request):
        raise Http404  # a company's address never shows the service's figures
    if not _authorized(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
