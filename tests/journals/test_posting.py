"""Posting against the sandbox: one entry per journal, whatever the network does."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerlink.connectors import engine
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from tests.support.journals import cash_journal, entries_with, invoice_journal, submit

pytestmark = pytest.mark.django_db


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def test_cash_and_invoice_journals_are_posted_and_visible_in_exact(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    cash = submit(setup.company, cash_journal("KAS-1", today(clocks)))
    invoice = submit(setup.company, invoice_journal("F-1", today(clocks)))
    counts = post_due(clock.now())
    assert counts == {"posted": 2}, [j.status_message for j in Journal.objects.all()]
    for journal in (cash, invoice):
        journal.refresh_from_db()
        assert journal.status == "posted", journal.status_message
        assert journal.exact_entry_number and journal.exact_entry_id
        assert len(entries_with(setup.sandbox, journal.marker)) == 1
    assert cash.exact_entry_number.startswith(f"{today(clocks):%y}90")
    assert [a.outcome for a in cash.attempts.all()] == ["posted"]


def test_one_api_call_per_journal_once_the_cache_is_warm(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    submit(setup.company, cash_journal("WARM", today(clocks)))
    post_due(clock.now())
    used = setup.sandbox.state()["rate_limits"][0]["minutely_used"]
    for n in range(5):
        submit(setup.company, cash_journal(f"K-{n}", today(clocks)))
    assert post_due(clock.now()) == {"posted": 5}
    assert setup.sandbox.state()["rate_limits"][0]["minutely_used"] - used == 5


def test_dropped_answer_after_commit_posts_exactly_once(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("DROP", today(clocks)))
    post_due(clock.now())  # warms the cache with a first journal
    journal.refresh_from_db()
    second = submit(setup.company, cash_journal("DROP-2", today(clocks)))
    setup.sandbox.add_fault("drop_after_commit", method="POST", path="GeneralJournalEntries")
    post_due(clock.now())
    second.refresh_from_db()
    assert second.status == "unknown"
    assert len(entries_with(setup.sandbox, second.marker)) == 1
    clocks.advance(15)
    post_due(clock.now())
    second.refresh_from_db()
    assert second.status == "posted" and second.exact_entry_number
    assert len(entries_with(setup.sandbox, second.marker)) == 1
    assert [a.action for a in second.attempts.all()] == ["post", "reconcile"]


def test_503_before_the_write_is_posted_once_after_looking(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("503", today(clocks)))
    setup.sandbox.add_fault("status", method="POST", path="GeneralJournalEntries", status=503)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown"
    assert entries_with(setup.sandbox, journal.marker) == []
    clocks.advance(15)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted"
    assert len(entries_with(setup.sandbox, journal.marker)) == 1
    assert [a.outcome for a in journal.attempts.all()] == ["unknown", "absent", "posted"]


def test_closed_period_fails_with_exacts_message_then_validation_stops_early(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = today(clocks)
    setup.sandbox.close_period(7001, day.year, day.month)
    journal = submit(setup.company, cash_journal("CLOSED", day))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed"
    said = journal.status_message
    assert said.code == "journal.exact_refused_period_closed" and "period is closed" in said.text()
    assert "Reopen the period in Exact" in said.fix()
    exacts_words = [m for m in journal.attempts.get().messages if m["code"] == "exact"]
    assert exacts_words and "period is closed" in exacts_words[0]["params"]["text"]
    other = submit(setup.company, cash_journal("CLOSED-2", day))
    post_due(clock.now())
    other.refresh_from_db()
    assert other.status == "failed"
    assert f"Financial period {day.year}/{day.month} is closed" in other.status_message.text()
    assert [a.action for a in other.attempts.all()] == ["validate"]  # nothing sent


def test_journals_wait_while_the_connector_needs_reauthorization(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    Connector.objects.filter(pk=connected.pk).update(status="reauth_required", status_reason="test")
    journal = submit(setup.company, cash_journal("WAIT", today(clocks)))
    assert post_due(clock.now()) == {}
    journal.refresh_from_db()
    assert journal.status == "queued"
    assert "1 journal waits for connector 1" in setup.client.get("/journals/").content.decode()
    assert "Waiting: connector 1 is" in setup.client.get(f"/journals/{journal.pk}/").content.decode()
    setup.clear_api_token(connected)
    assert setup.authorize().status_code == 200
    assert post_due(clock.now()) == {"posted": 1}
    assert engine.access_token(connected.pk)


def test_invalid_journal_fails_without_a_call(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from ledgerlink.journals.intake import JournalIn, LineIn

    journal = submit(
        setup.company,
        JournalIn(
            reference="BAD",
            kind="cash",
            connector=1,
            date=today(clocks),
            lines=[
                LineIn(ledger_code="1000", debit=Decimal("10.00")),
                LineIn(ledger_code="8050", credit=Decimal("10.00")),
            ],
        ),
    )
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed" and "Line 2: ledger 8050 has no GL account" in journal.status_message.text()
    assert Journal.objects.get(pk=journal.pk).attempts.get().action == "validate"


def test_a_posted_journal_counts_as_contact_with_exact(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 7: "Last contact" on the connector pages includes postings, not only tests and refreshes."""
    clocks.advance(60)
    Connector.objects.filter(pk=connected.pk).update(last_contact_at=None)
    submit(setup.company, cash_journal("KAS-1", today(clocks)))
    assert post_due(clock.now()) == {"posted": 1}
    assert Connector.objects.get().last_contact_at == clock.now()


def test_a_closed_period_reopened_in_exact_is_posted_on_resend(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    # "Reopen it in Exact, then press Resend" looped: Resend failed again on the remembered closed period.
    from ledgerlink.journals import actions
    from ledgerlink.tenancy.audit import Actor

    day = today(clocks)
    setup.sandbox.close_period(7001, day.year, day.month)
    journal = submit(setup.company, cash_journal("REOPEN", day))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed"
    setup.sandbox.open_period(7001, day.year, day.month)
    assert actions.resend(journal, Actor.system())
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted", journal.status_message


def test_resend_failed_also_asks_exact_again_about_a_reopened_period(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.journals import actions
    from ledgerlink.tenancy.audit import Actor

    day = today(clocks)
    setup.sandbox.close_period(7001, day.year, day.month)
    journals = [submit(setup.company, cash_journal(f"REOPEN-{n}", day)) for n in (1, 2)]
    post_due(clock.now())
    setup.sandbox.open_period(7001, day.year, day.month)
    assert actions.resend_failed(setup.company, Actor.system()) == 2
    post_due(clock.now())
    assert [Journal.objects.get(pk=j.pk).status for j in journals] == ["posted", "posted"]


def test_waiting_journals_are_due_at_once_when_the_connector_is_reauthorized(  # type: ignore[no-untyped-def]
    setup, connected, clocks, monkeypatch
) -> None:
    # They sat ~4 minutes after the reauthorization: the refused attempt had put them off by 5 minutes.
    from ledgerlink.connectors.choices import Status
    from ledgerlink.core.messages import Message

    def revoked(connector_id: int, wait: float = 0.0) -> str:
        Connector.objects.filter(pk=connector_id).update(status=Status.REAUTH_REQUIRED)
        raise engine.ReauthorizationRequired(Message.legacy("revoked in Exact"))

    journal = submit(setup.company, cash_journal("AFTER-REAUTH", today(clocks)))
    with monkeypatch.context() as patch:
        patch.setattr(engine, "access_token", revoked)
        patch.setattr(engine, "_usable_token", lambda connector_id: None)  # a sender's reused token: none
        post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "queued"
    setup.clear_api_token(connected)
    assert setup.authorize().status_code == 200
    assert post_due(clock.now()) == {"posted": 1}
