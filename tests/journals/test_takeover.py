"""Edges found in review: a journal taken over by another worker, a division changed after an unknown
outcome, and tokens unavailable while looking a journal up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledgerlink.connectors import actions as connector_actions
from ledgerlink.connectors.engine import ConnectorTokens
from ledgerlink.connectors.exact import client_for
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import claim, post_due, process
from ledgerlink.tenancy.audit import Actor
from tests.support.journals import cash_journal, entries_with, submit

pytestmark = pytest.mark.django_db


def test_a_journal_taken_over_by_another_worker_is_not_posted_again(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("TAKEN", clocks.now().date()))
    assert claim(clock.now(), "worker-a") == [journal.pk]
    # Worker A stalled; the journal was released as stuck and worker B claimed it.
    Journal.objects.filter(pk=journal.pk).update(claimed_by="worker-b")
    with client_for(connected, ConnectorTokens(connected.pk)) as client:
        assert process(journal.pk, client, "worker-a") == ""
    assert entries_with(setup.sandbox, journal.marker) == []
    assert Journal.objects.get(pk=journal.pk).claimed_by == "worker-b"


def test_an_unknown_journal_is_looked_up_where_it_was_sent(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("MOVED", clocks.now().date()))
    setup.sandbox.add_fault("drop_after_commit", method="POST", path="GeneralJournalEntries")
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown" and journal.exact_division == 7001
    connector_actions.choose_division(Actor.system(), Connector.objects.get(pk=connected.pk), 7002)
    clocks.advance(15)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted"
    assert len(entries_with(setup.sandbox, journal.marker)) == 1
    assert not [
        e
        for e in setup.sandbox.entries(7002)
        if any(journal.marker in (line.get("notes") or "") for line in e.get("lines", []))
    ]


def test_tokens_unavailable_during_a_lookup_leave_the_journal_unknown(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("NOTOKEN", clocks.now().date()))
    setup.sandbox.add_fault("drop_after_commit", method="POST", path="GeneralJournalEntries")
    post_due(clock.now())
    # The access token expires and the refresh keeps failing: no token for the lookup.
    clocks.advance(600)
    Connector.objects.filter(pk=connected.pk).update(refresh_not_before=clock.now() + timedelta(minutes=10))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown" and journal.needs_lookup
    assert journal.claimed_by == ""
