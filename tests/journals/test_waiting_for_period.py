"""Journals held by a closed period wait until it reopens (issue 10): the worker asks Exact at most once an hour.

Exact has no field that says a period is closed (FinancialPeriods has none), so the only question that can be
asked is the POST itself: once an hour, one waiting journal of the period is posted. Refused again → all of that
period's journals wait another hour; accepted → the others are due at once. The clock is moved, never slept.
"""

from __future__ import annotations

from datetime import date

import pytest

from ledgerlink.core import clock
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import Attempt, Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import AuditEntry
from tests.support.api import URL, Api
from tests.support.journals import cash_journal, entries_with, submit

pytestmark = pytest.mark.django_db

HOUR = 3600


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def posts(journals: list[Journal]) -> int:
    """POSTs that reached Exact for these journals (attempts of action "post" that were not handed back)."""
    return Attempt.objects.filter(journal__in=journals, action="post").count()


def held(setup, clocks, *references: str) -> list[Journal]:  # type: ignore[no-untyped-def]
    """Journals refused by Exact for their closed period (the first by Exact, the rest by what was learnt)."""
    day = today(clocks)
    setup.sandbox.close_period(7001, day.year, day.month)
    journals = [submit(setup.company, cash_journal(reference, day)) for reference in references]
    post_due(clock.now())
    for journal in journals:
        journal.refresh_from_db()
        assert journal.status == "failed", journal.status_message
    return journals


def test_a_waiting_journal_is_tried_once_an_hour_and_sent_when_the_period_reopens(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    (journal,) = held(setup, clocks, "WAIT-1")
    day = today(clocks)
    page = setup.client.get(f"/journals/{journal.pk}/").content.decode()
    assert "Wait until the period reopens" in page
    setup.client.post(f"/journals/{journal.pk}/wait")
    journal.refresh_from_db()
    assert journal.status == "queued" and journal.waits_for_period == f"{day.year}/{day.month}"
    assert journal.status_message.code == "journal.waiting_for_period"
    page = setup.client.get(f"/journals/{journal.pk}/").content.decode()
    assert f"Waits until period {day.year}/{day.month} is reopened in Exact" in page
    assert "Wait until the period reopens" not in page
    assert AuditEntry.objects.filter(action="journal.waiting").count() == 1
    before = posts([journal])

    post_due(clock.now())
    clocks.advance(HOUR - 60)
    post_due(clock.now())
    assert posts([journal]) == before  # not before the hour is up

    clocks.advance(60)
    post_due(clock.now())  # the hourly try: still closed
    journal.refresh_from_db()
    assert posts([journal]) == before + 1
    assert journal.status == "queued" and journal.waits_for_period, journal.status_message
    assert journal.status_message.code == "journal.waiting_for_period"

    setup.sandbox.open_period(7001, day.year, day.month)
    clocks.advance(HOUR / 2)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "queued" and posts([journal]) == before + 1  # reopened, but not asked yet

    clocks.advance(HOUR / 2)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted", journal.status_message
    assert journal.waits_for_period == "" and journal.status_message is None
    assert len(entries_with(setup.sandbox, journal.marker)) == 1


def test_a_period_with_many_waiting_journals_costs_one_refusal_an_hour(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journals = held(setup, clocks, "MANY-1", "MANY-2", "MANY-3")
    day = today(clocks)
    key = apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext
    answer = Api(key).post(f"{URL}/wait-for-periods", {"connector": 1})
    assert answer.status_code == 200 and answer.json() == {"count": 3}
    before = posts(journals)

    clocks.advance(HOUR)
    post_due(clock.now())
    assert posts(journals) == before + 1  # one of them asked; the others wait with it
    assert {j.status for j in Journal.objects.filter(pk__in=[j.pk for j in journals])} == {"queued"}

    clocks.advance(HOUR / 2)
    post_due(clock.now())
    assert posts(journals) == before + 1

    setup.sandbox.open_period(7001, day.year, day.month)
    clocks.advance(HOUR / 2)
    post_due(clock.now())
    statuses = [Journal.objects.get(pk=j.pk).status for j in journals]
    assert statuses == ["posted"] * 3
    assert posts(journals) == before + 4  # the one that found the period open, then the other two
    for journal in journals:
        assert len(entries_with(setup.sandbox, Journal.objects.get(pk=journal.pk).marker)) == 1


def test_wait_through_the_api_and_send_now_asks_exact_at_once(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    (journal,) = held(setup, clocks, "API-WAIT")
    day = today(clocks)
    api = Api(apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext)
    answer = api.post(f"{URL}/{journal.pk}/wait")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "queued"
    assert answer.json()["waits_for_period"] == f"{day.year}/{day.month}"
    assert answer.json()["status_code"] == "journal.waiting_for_period"
    again = api.post(f"{URL}/{journal.pk}/wait")
    assert again.status_code == 409 and again.json()["code"] == "journal.not_held_by_period"

    setup.sandbox.open_period(7001, day.year, day.month)
    assert api.post(f"{URL}/{journal.pk}/send-now").status_code == 200  # "I reopened it": ask now, not in an hour
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted", journal.status_message


def test_only_a_journal_held_by_a_closed_period_can_wait(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.core.messages import Message
    from ledgerlink.journals import messages as m

    queued = submit(setup.company, cash_journal("QUEUED", today(clocks)))
    other_failure = submit(setup.company, cash_journal("GL", today(clocks)))
    Journal.objects.filter(pk=other_failure.pk).update(
        status="failed", status_message=Message.of(m.EXACT_REFUSED_GL, exact="Invalid G/L account")
    )
    api = Api(apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext)
    for journal in (queued, other_failure):
        refused = api.post(f"{URL}/{journal.pk}/wait")
        assert refused.status_code == 409 and refused.json()["code"] == "journal.not_held_by_period"
    assert api.post(f"{URL}/wait-for-periods", {}).json() == {"count": 0}
    assert api.post(f"{URL}/999999/wait").status_code == 404
    setup.client.post(f"/journals/{other_failure.pk}/wait")
    assert Journal.objects.get(pk=other_failure.pk).status == "failed"


def test_the_journals_list_lets_every_journal_held_by_a_closed_period_wait(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journals = held(setup, clocks, "LIST-1", "LIST-2")
    page = setup.client.get("/journals/").content.decode()
    assert "Let 2 journals held by a closed period wait until it reopens" in page
    answer = setup.client.post("/journals/wait-for-periods?connector=1", follow=True)
    assert "2 journals wait until their period is reopened in Exact" in answer.content.decode()
    assert {Journal.objects.get(pk=j.pk).status for j in journals} == {"queued"}
    assert "held by a closed period wait" not in setup.client.get("/journals/").content.decode()


def test_a_waiting_journal_can_still_be_cancelled(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.journals import actions

    (journal,) = held(setup, clocks, "CANCEL-WAIT")
    assert actions.wait_for_period(journal, Actor.system())
    assert actions.cancel(Journal.objects.get(pk=journal.pk), Actor.system())
    clocks.advance(HOUR)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "cancelled" and journal.waits_for_period == ""
