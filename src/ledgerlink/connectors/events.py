"""A connector's events: written to the one audit trail (tenancy/audit.py) and shown on its page; sent as webhooks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.models import AuditEntry
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.outbox import emit
from ledgerlink.webhooks.payloads import problem


def record_event(actor: Actor, connector: Connector, action: AuditAction, message: Message) -> AuditEntry:
    """Inside the action's transaction, like every audit entry."""
    return audit.record(actor, action, company=connector.company, subject=connector, message=message)


def events_of(connector: Connector) -> QuerySet[AuditEntry]:
    return audit.trail(connector.company, subject=connector)


def announce(connector: Connector, event: EventType, reason: Message | None = None, **extra: Any) -> None:
    """A connector's webhook event (webhooks/outbox.py), inside the transaction of its change, like the audit entry.

    It names the connector screen, where an admin re-authorizes."""
    company = connector.company
    data: dict[str, Any] = {
        "connector": {
            "number": connector.number,
            "name": connector.name,
            "status": connector.status,
            "division": connector.division,
            "division_name": connector.division_name,
            "url": company_url(company.alias, f"/connectors/{connector.number}/"),
        },
        **extra,
    }
    if reason is not None:
        data["reason"] = problem(reason)
    emit(company, event, data)
