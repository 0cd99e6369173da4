"""What a journal's webhook events say (webhooks/outbox.py sends them); emitted inside the state change."""

from __future__ import annotations

from typing import Any

from ledgerlink.core.messages import Message
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.outbox import emit
from ledgerlink.webhooks.payloads import problem

EVENT_OF_STATUS = {
    JournalStatus.POSTED: EventType.JOURNAL_POSTED,
    JournalStatus.FAILED: EventType.JOURNAL_FAILED,
    JournalStatus.UNKNOWN: EventType.JOURNAL_UNKNOWN,
}


def journal_data(
    journal: Journal, status: str, message: Message | None, *, entry_id: str = "", entry_number: str = ""
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "journal": {
            "id": journal.pk,
            "reference": journal.reference,
            "kind": journal.kind,
            "date": journal.date,
            "connector": journal.connector.number,
            "status": status,
        }
    }
    if status == JournalStatus.POSTED:
        data["exact"] = {"entry_id": entry_id, "entry_number": entry_number, "division": journal.exact_division}
    if message is not None:
        data["problem"] = problem(message)
    return data


def announce(
    journal: Journal,
    status: str,
    message: Message | None,
    *,
    entry_id: str = "",
    entry_number: str = "",
    reconciled: bool = False,
) -> None:
    """The events of a journal's new status, inside the transaction that stored it: posted, failed or unknown,
    and ``journal.reconciled`` too when a lookup by its marker found it in Exact."""
    event = EVENT_OF_STATUS.get(JournalStatus(status))
    if event is None:
        return
    data = journal_data(journal, status, message, entry_id=entry_id, entry_number=entry_number)
    emit(journal.company_id, event, data)
    if reconciled:
        emit(journal.company_id, EventType.JOURNAL_RECONCILED, data)
