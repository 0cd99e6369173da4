"""When ledgerlink last heard from Exact for a connector: tests, refreshes and postings alike."""

from __future__ import annotations

from datetime import datetime

from ledgerlink.connectors.models import Connector


def note_contact(connector_id: int, now: datetime) -> None:
    """Exact answered a call made with this connector's token. A plain conditional update, outside any
    lock object: only ever moves the time forward, so concurrent workers cannot set it back."""
    Connector.objects.filter(pk=connector_id).exclude(last_contact_at__gte=now).update(last_contact_at=now)
