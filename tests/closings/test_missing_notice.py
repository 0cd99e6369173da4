"""The optional missing-day check: at the hour set on the closing mapping, the admins are e-mailed (each in their
language) which terminals have not sent yesterday's closing; once a day, and only for a terminal's business days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from ledgerlink.closings.actions import receive
from ledgerlink.closings.mapping import mapping_of
from ledgerlink.operations.notices import missing_closings
from ledgerlink.tenancy.recipients import zone_of
from tests import factories
from tests.closings.test_api_sandbox import worked_example

pytestmark = pytest.mark.django_db


def test_admins_hear_of_yesterdays_missing_closing_after_the_hour_set_once_each_in_their_language(
    setup, connected, clocks
) -> None:  # type: ignore[no-untyped-def]
    zone = zone_of(setup.company)
    today = clocks.now().astimezone(zone).date()
    yesterday = today - timedelta(days=1)
    for days_ago in range(2, 16):  # store 01 terminal 1 closes every day, but not yesterday
        receive(setup.company, worked_example(today - timedelta(days=days_ago)))
    for days_ago in range(1, 16):  # terminal 2 closed yesterday as well
        receive(setup.company, worked_example(today - timedelta(days=days_ago), terminal="2"))
    dutch = factories.user(setup.company, "beheerder")
    dutch.email, dutch.language = "beheerder@demo.example", "nl"
    dutch.save()
    at = datetime.combine(today, time(8, 59), tzinfo=zone)

    assert missing_closings(at + timedelta(hours=2)) == 0 and mail.outbox == []  # no hour set: not checked
    mapping = mapping_of(connected)
    mapping.missing_day_hour = 9
    mapping.save()
    assert missing_closings(at) == 0 and mail.outbox == []  # 08:59 in the company's time zone: not yet
    assert missing_closings(at + timedelta(minutes=1)) == 1
    english = next(m for m in mail.outbox if m.to == ["admin@demo.example"])
    dutch_mail = next(m for m in mail.outbox if m.to == ["beheerder@demo.example"])
    assert len(mail.outbox) == 2
    assert english.subject == f"Demo Retail BV: no day closing of {yesterday.isoformat()} yet"
    assert "store 01, terminal 1" in english.body and "terminal 2" not in english.body
    assert "demo.localhost" in english.body and "/closings/" in english.body
    assert dutch_mail.subject == f"Demo Retail BV: nog geen dagafsluiting van {yesterday.strftime('%d-%m-%Y')}"
    assert "filiaal 01, kassa 1" in dutch_mail.body
    assert missing_closings(at + timedelta(hours=3)) == 0 and len(mail.outbox) == 2  # once a day

    receive(setup.company, worked_example(today, terminal="2"))  # today's closing of terminal 2 has come ...
    tomorrow = at + timedelta(days=1, minutes=1)  # ... terminal 1's has not: today is tomorrow's yesterday
    assert missing_closings(tomorrow) == 1 and "store 01, terminal 1" in mail.outbox[-1].body + mail.outbox[-2].body
