"""Corrections after posting (issue 10): the reversal of the original and the corrected journal, each posted
exactly once, linked on the pages; the same correction again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerlink.core import clock
from ledgerlink.journals import actions
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy.audit import Actor
from tests.support.journals import cash_journal, entries_with, submit

pytestmark = pytest.mark.django_db


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def test_a_posted_day_is_corrected_by_a_reversal_and_the_corrected_journal(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    original = submit(setup.company, cash_journal("Z-1", today(clocks), amount="121.00"))
    assert post_due(clock.now()) == {"posted": 1}
    original.refresh_from_db()
    fixed = cash_journal("Z-1-fix", today(clocks), amount="242.00")
    made = actions.correct(original, fixed, Actor.system())
    assert made.created and made.reversal.reference == "Z-1~reversal"
    reversal_lines = list(Journal.objects.get(pk=made.reversal.pk).lines.order_by("line_no"))
    assert [(ln.debit, ln.credit) for ln in reversal_lines] == [
        (Decimal("0.00"), Decimal("121.00")),
        (Decimal("100.00"), Decimal("0.00")),
    ]
    again = actions.correct(original, fixed, Actor.system())  # a retried request: the same pair
    assert not again.created and (again.reversal.pk, again.corrected.pk) == (made.reversal.pk, made.corrected.pk)
    assert post_due(clock.now()) == {"posted": 2}
    for journal in (original, made.reversal, made.corrected):
        journal.refresh_from_db()
        assert journal.status == "posted"
        assert len(entries_with(setup.sandbox, journal.marker)) == 1  # each exactly once in Exact
    assert made.reversal.reverses_id == original.pk and made.corrected.replaces_id == original.pk
    page = setup.client.get(f"/journals/{original.pk}/").content.decode()
    assert "Z-1~reversal" in page and "Z-1-fix" in page
    with pytest.raises(actions.NotCorrectable):
        actions.correct(original, cash_journal("Z-1-other", today(clocks)), Actor.system())
    with pytest.raises(actions.NotCorrectable):
        actions.correct(made.reversal, cash_journal("Z-1-r", today(clocks)), Actor.system())


def test_only_a_posted_journal_is_corrected(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    queued = submit(setup.company, cash_journal("Q-1", today(clocks)))
    with pytest.raises(actions.NotCorrectable) as refused:
        actions.correct(queued, cash_journal("Q-1-fix", today(clocks)), Actor.system())
    assert refused.value.message.code == "journal.not_correctable"
    assert Journal.objects.count() == 1
