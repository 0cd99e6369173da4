"""What an operator may do from the console on purpose; each writes the company's audit trail (through the
journals' own actions)."""

from __future__ import annotations

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import actions as journal_actions
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.actors import Actor


def resend_failed(connector: Connector, actor: Actor) -> int:
    """The connector's failed journals queued again (the company's own **Resend failed**, for one connector)."""
    ids = list(
        Journal.objects.for_company(connector.company_id)
        .filter(connector=connector, status=JournalStatus.FAILED)
        .values_list("pk", flat=True)
    )
    return journal_actions.resend_failed(connector.company, actor, ids) if ids else 0
