"""Send now (issue 10): a journal put off until later goes with the worker's next round; nothing else moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.models import Journal
from tests import factories
from tests.support.api import URL, Api, tenant
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def waiting(company: object) -> Journal:
    journal = submit(company, cash_journal("LATER", date(2024, 6, 10)))
    Journal.objects.filter(pk=journal.pk).update(next_attempt_at=clock.now() + timedelta(minutes=5))
    return journal


def test_send_now_on_the_page_makes_a_waiting_journal_due() -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    journal = waiting(company)
    client = factories.signed_in_client(factories.user(company))
    page = client.get(f"/journals/{journal.pk}/").content.decode()
    assert "Send now" in page
    client.post(f"/journals/{journal.pk}/send-now")
    assert Journal.objects.get(pk=journal.pk).next_attempt_at <= clock.now()
    assert "Send now" not in client.get(f"/journals/{journal.pk}/").content.decode()
    again = client.post(f"/journals/{journal.pk}/send-now", follow=True)
    assert "is not waiting to be sent" in again.content.decode()


def test_send_now_through_the_api() -> None:
    company, key = tenant(1001, "demo")
    journal = waiting(company)
    api = Api(key)
    answer = api.post(f"{URL}/{journal.pk}/send-now")
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    assert Journal.objects.get(pk=journal.pk).next_attempt_at <= clock.now()
    refused = api.post(f"{URL}/{journal.pk}/send-now")
    assert refused.status_code == 409 and refused.json()["code"] == "journal.not_waiting"
    _other, other_key = tenant(1002, "other")
    assert Api(other_key).post(f"{URL}/{journal.pk}/send-now").status_code == 404


def test_the_journals_list_shows_why_a_journal_is_not_posted() -> None:
    from ledgerlink.core.messages import Message
    from ledgerlink.journals import messages as m

    company = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    journal = submit(company, cash_journal("WHY", date(2024, 6, 10)))
    Journal.objects.filter(pk=journal.pk).update(
        status="failed", status_message=Message.of(m.PERIOD_CLOSED, year=2024, period=6)
    )
    page = factories.signed_in_client(factories.user(company)).get("/journals/").content.decode()
    assert "<th>Reason</th>" in page and "Financial period 2024/6 is closed in Exact." in page
