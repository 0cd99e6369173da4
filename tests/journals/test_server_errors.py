"""Posting through Exact's 500s: a 5xx is ambiguous, looked up, posted again, and a refusal only when repeated."""

from __future__ import annotations

import pytest

from ledgerlink.core import clock
from ledgerlink.journals.actions import resend
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import SERVER_ERRORS_IN_A_ROW, post_due
from ledgerlink.tenancy.audit import Actor
from tests.support.journals import cash_journal, entries_with, submit

pytestmark = pytest.mark.django_db
POST = {"method": "POST", "path": "GeneralJournalEntries$"}


def attempts(journal: Journal) -> list[tuple[str, str, int | None]]:
    return [(a.action, a.outcome, a.http_status) for a in journal.attempts.all()]


def settle(clocks, rounds: int = 8) -> None:  # type: ignore[no-untyped-def]
    """Worker rounds, the clock moving on past every pause the journals were given."""
    for _ in range(rounds):
        post_due(clock.now())
        clocks.advance(300)


def test_a_500_after_exact_stored_the_entry_is_found_not_posted_again(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("500-STORED", clocks.now().date()))
    setup.sandbox.add_fault("status_after_commit", status=500, message="Internal error", **POST)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown" and journal.needs_lookup
    assert journal.status_message.code == "journal.server_error" and "HTTP 500" in journal.status_message.text()
    clocks.advance(15)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted" and journal.exact_entry_number
    assert len(entries_with(setup.sandbox, journal.marker)) == 1
    assert attempts(journal) == [("post", "unknown", 500), ("reconcile", "found", 200)]


def test_the_same_500_refusal_twice_fails_with_exacts_words(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("500-REFUSED", clocks.now().date()))
    setup.sandbox.add_fault("status", status=500, message="Verplicht: Dagboek", count=2, **POST)
    settle(clocks)
    journal.refresh_from_db()
    assert journal.status == "failed"
    assert (
        journal.status_message.code == "journal.exact_refused" and "Verplicht: Dagboek" in journal.status_message.text()
    )
    assert journal.needs_lookup  # the last answer could have come after a write: a Resend looks first
    assert attempts(journal) == [("post", "unknown", 500), ("reconcile", "absent", None), ("post", "rejected", 500)]
    words = [m["params"]["text"] for m in journal.attempts.last().messages if m["code"] == "exact"]
    assert words == ["Verplicht: Dagboek"]
    assert entries_with(setup.sandbox, journal.marker) == []


def test_a_resend_after_a_500_looks_the_journal_up_first(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("500-RESEND", clocks.now().date()))
    # The first answer refuses; the second says the same, but Exact had stored the entry that time.
    setup.sandbox.add_fault("status", status=500, message="Verplicht: Dagboek", **POST)
    setup.sandbox.add_fault("status_after_commit", status=500, message="Verplicht: Dagboek", **POST)
    settle(clocks)
    journal.refresh_from_db()
    assert journal.status == "failed" and len(entries_with(setup.sandbox, journal.marker)) == 1
    assert resend(journal, Actor.system())
    settle(clocks, rounds=2)
    journal.refresh_from_db()
    assert journal.status == "posted"
    assert len(entries_with(setup.sandbox, journal.marker)) == 1  # found, not posted a second time
    assert attempts(journal)[-1] == ("reconcile", "found", 200)


def test_server_errors_are_retried_with_a_pause_then_wait_for_a_person(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("503-MANY", clocks.now().date()))
    setup.sandbox.add_fault("status", status=503, count=50, **POST)  # the same words every time: still no refusal
    pauses = []
    for _ in range(SERVER_ERRORS_IN_A_ROW + 2):
        post_due(clock.now())
        journal.refresh_from_db()
        if journal.status == "failed":
            break
        pauses.append((journal.next_attempt_at - clock.now()).total_seconds())
        clocks.advance(pauses[-1])
    assert pauses == [15, 30, 60, 120]  # before the 2nd, 3rd, 4th and 5th POST, each after a lookup
    assert journal.status == "failed" and journal.needs_lookup
    assert journal.status_message.code == "journal.server_errors_repeated"
    assert f"HTTP 503 {SERVER_ERRORS_IN_A_ROW} times" in journal.status_message.text()
    assert journal.status_message.fix()
    posts = [a for a in attempts(journal) if a[0] == "post"]
    assert len(posts) == SERVER_ERRORS_IN_A_ROW and all(status == 503 for _, _, status in posts)
    assert entries_with(setup.sandbox, journal.marker) == []
