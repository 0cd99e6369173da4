"""Cancel and move (issue 10): a journal certainly not in Exact can be cancelled or sent through another
connector, on the page and through the API, each in the audit trail; one that is or may be in Exact cannot."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerlink.connectors.models import Connector
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.models import AuditEntry
from tests import factories
from tests.support.api import URL, Api, body, tenant
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_cancel_through_the_api_and_nothing_is_sent() -> None:
    _company, key = tenant(1001, "demo")
    api = Api(key)
    created = api.post(URL, body()).json()
    answer = api.post(f"{URL}/{created['id']}/cancel")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert AuditEntry.objects.filter(action="journal.cancelled", subject_id=str(created["id"])).count() == 1
    again = api.post(f"{URL}/{created['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "journal.not_cancellable"
    assert api.post(URL, body()).status_code == 200  # the reference is still known: no second journal


@pytest.mark.parametrize("status", ["posted", "sending", "unknown"])
def test_a_journal_that_is_or_may_be_in_exact_cannot_be_cancelled_or_moved(status: str) -> None:
    _company, key = tenant(1001, "demo", connectors=(1, 2))
    api = Api(key)
    created = api.post(URL, body()).json()
    Journal.objects.filter(pk=created["id"]).update(status=status)
    assert api.post(f"{URL}/{created['id']}/cancel").status_code == 409
    assert api.post(f"{URL}/{created['id']}/move", {"connector": 2}).status_code == 409
    assert Journal.objects.get(pk=created["id"]).status == status


def test_move_through_the_api_changes_the_connector_and_the_stored_content() -> None:
    _company, key = tenant(1001, "demo", connectors=(1, 2))
    api = Api(key)
    created = api.post(URL, body()).json()
    moved = api.post(f"{URL}/{created['id']}/move", {"connector": 2})
    assert moved.status_code == 200 and moved.json()["connector"] == 2
    assert AuditEntry.objects.filter(action="journal.moved").get().changes == {"connector": [1, 2]}
    resubmitted = api.post(URL, body())  # the old body names connector 1: other content, never a second journal
    assert resubmitted.status_code == 409 and any("connector" in d for d in resubmitted.json()["differences"])
    assert api.post(URL, body(connector=2)).status_code == 200
    assert api.post(f"{URL}/{created['id']}/move", {"connector": 2}).status_code == 409
    unknown = api.post(f"{URL}/{created['id']}/move", {"connector": 9})
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["code"] == "journal.connector_unknown"
    _other, other_key = tenant(1002, "other")
    assert Api(other_key).post(f"{URL}/{created['id']}/cancel").status_code == 404


def test_cancel_and_move_on_the_page() -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    for number in (1, 2):
        Connector.objects.create(company=company, number=number, name=f"Exact {number}")
    journal = submit(company, cash_journal("KAS-9", date(2024, 6, 10)))
    client = factories.signed_in_client(factories.user(company))
    page = client.get(f"/journals/{journal.pk}/").content.decode()
    assert "Cancel journal" in page and "Move to connector" in page
    client.post(f"/journals/{journal.pk}/move", {"connector": "2"})
    assert Journal.objects.get(pk=journal.pk).connector.number == 2
    client.post(f"/journals/{journal.pk}/cancel")
    assert Journal.objects.get(pk=journal.pk).status == "cancelled"
    assert "Cancel journal" not in client.get(f"/journals/{journal.pk}/").content.decode()


def test_correct_through_the_api_refuses_a_journal_not_posted_and_answers_the_pair() -> None:
    _company, key = tenant(1001, "demo")
    api = Api(key)
    created = api.post(URL, body()).json()
    refused = api.post(f"{URL}/{created['id']}/correct", body("Z-fix"))
    assert refused.status_code == 409 and refused.json()["code"] == "journal.not_correctable"
    Journal.objects.filter(pk=created["id"]).update(status="posted")
    made = api.post(f"{URL}/{created['id']}/correct", body("Z-fix"))
    assert made.status_code == 201, made.content
    pair = made.json()
    assert pair["reversal"]["reference"] == "Z-2024-06-10~reversal" and pair["corrected"]["reference"] == "Z-fix"
    assert api.post(f"{URL}/{created['id']}/correct", body("Z-fix")).status_code == 200
    same = api.post(f"{URL}/{created['id']}/correct", body(created["reference"]))
    assert same.status_code == 409 and same.json()["code"] == "journal.correction_same_reference"
