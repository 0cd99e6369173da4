"""The connectors' job in the worker: keep every connected connector's tokens alive."""

from __future__ import annotations

import logging
from datetime import datetime

from ledgerlink.connectors import engine
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core.worker import workers_alive

__all__ = ["keep_alive_all", "workers_alive"]
log = logging.getLogger("ledgerlink.connectors.keepalive")


def keep_alive_all(now: datetime) -> dict[str, int]:
    """Refresh connected connectors whose pair is older than the keep-alive age (default 24 h)."""
    age = engine.settings_keep_alive_age()
    due = Connector.objects.filter(status=Status.CONNECTED, tokens_issued_at__lte=now - age)
    counts = {outcome.value: 0 for outcome in engine.KeepAlive}
    for connector_id in due.values_list("pk", flat=True):
        counts[engine.keep_alive(connector_id, age).value] += 1
    return counts
