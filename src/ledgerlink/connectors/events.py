"""A connector's events, written to the one audit trail (tenancy/audit.py) and shown on its page."""

from __future__ import annotations

from django.db.models import QuerySet

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.models import AuditEntry


def record_event(actor: Actor, connector: Connector, action: AuditAction, message: Message) -> AuditEntry:
    """Inside the action's transaction, like every audit entry."""
    return audit.record(actor, action, company=connector.company, subject=connector, message=message)


def events_of(connector: Connector) -> QuerySet[AuditEntry]:
    return audit.trail(connector.company, subject=connector)
