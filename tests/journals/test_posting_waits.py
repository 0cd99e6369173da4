"""A journal handed back because Exact's minute is spent was never sent: it waits, and a wait is no attempt.

Drains of many divisions wrote thousands of attempt rows for such hand-backs (issue 13), burying the attempts
that did reach Exact on the journal's page."""

from __future__ import annotations

import pytest

from ledgerlink.journals import posting
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Attempt, Journal
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_a_journal_waiting_for_exacts_next_minute_gets_no_attempt_row(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    setup.sandbox.set_limits(minutely=9, daily=1000)  # six reads of Exact's data, then three posts
    day = clocks.now().date()
    for n in range(6):
        submit(setup.company, cash_journal(f"WAIT-{n}", day))
    posting.post_due(clocks.now(), time_budget=5.0)
    posted = Journal.objects.filter(status=JournalStatus.POSTED)
    waiting = Journal.objects.filter(status=JournalStatus.QUEUED)
    assert posted.count() >= 1 and waiting.count() >= 1, list(Journal.objects.values_list("status", flat=True))
    for journal in waiting:
        assert journal.status_message is not None and journal.status_message.code == "journal.exact_limits"
        assert journal.next_attempt_at > clocks.now()
    assert Attempt.objects.filter(journal__in=waiting).count() == 0
    assert Attempt.objects.filter(journal__in=posted).count() == posted.count()  # one POST each
