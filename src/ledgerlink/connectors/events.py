"""The connector's audit trail."""

from __future__ import annotations

from datetime import datetime

from ledgerlink.connectors.models import Connector, ConnectorEvent


def record_event(connector: Connector, kind: str, message: str, actor_label: str, at: datetime) -> ConnectorEvent:
    return ConnectorEvent.objects.create(
        company_id=connector.company_id, connector=connector, kind=kind, message=message, actor_label=actor_label, at=at
    )
