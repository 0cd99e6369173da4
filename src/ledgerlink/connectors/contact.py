"""When ledgerlink last heard from Exact for a connector: tests, refreshes and postings alike."""

from __future__ import annotations

from datetime import datetime

from ledgerlink.connectors.models import Connector
from ledgerlink.core.rows import SAMPLE_TIME, Update, param

# Written once per posted batch and per token refresh: compiled once (core/rows.py).
_NOTE = Update(
    ["last_contact_at"],
    lambda pk, now: Connector.objects.filter(pk=pk).exclude(last_contact_at__gte=now),
    param("pk", 907_001_001),
    param("now", SAMPLE_TIME),
)


def note_contact(connector_id: int, now: datetime) -> None:
    """Exact answered a call made with this connector's token. A plain conditional update, outside any
    lock object: only ever moves the time forward, so concurrent workers cannot set it back."""
    _NOTE.run({"last_contact_at": now}, pk=connector_id, now=now)
