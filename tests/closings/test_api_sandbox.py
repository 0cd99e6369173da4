"""POST /api/v1/closings end to end: the worked example (retail-bookkeeping §3.5) posted once to the sandbox, its
ledger as the reference has it, and the closing's idempotency, refusals and corrections."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from exactlink import F, Guid, Query
from ledgerlink.closings.models import Closing, ClosingJournal
from ledgerlink.connectors.engine import ConnectorTokens
from ledgerlink.connectors.exact import client_for
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy.audit import Actor
from tests.support.api import Api
from tests.support.journals import entries_with

pytestmark = pytest.mark.django_db
URL = "/api/v1/closings"


def worked_example(day: date, **changes: Any) -> dict[str, Any]:
    body = {
        "connector": 1,
        "store": "01",
        "terminal": "1",
        "date": day.isoformat(),
        "sales": [{"vat_rate": "21", "amount": "1210.00"}, {"vat_rate": "9", "amount": "545.00"}],
        "payments": [
            {"method": "CASH", "amount": "300.00"},
            {"method": "PIN", "amount": "1200.00"},
            {"method": "CREDITCARD", "amount": "255.00"},
            {"method": "GIFTCARD", "amount": "50.00"},
        ],
        "gift_cards_sold": "50.00",
        "cash": {"expected": "300.00", "counted": "299.50"},
    }
    body.update(changes)
    return body


@pytest.fixture
def api(setup, connected) -> Api:  # type: ignore[no-untyped-def]
    return Api(apikeys.create_key(Actor.system(), setup.company, "POS").plaintext)


def ledger(connector: Connector, entry_id: str) -> list[tuple[str, Decimal]]:
    """The sandbox's TransactionLines of one entry, read as Exact's API gives them: (GL account, amount)."""
    with client_for(connector, ConnectorTokens(connector.pk)) as client:
        rows = client.division(7001).transaction_lines.iterate(
            Query().select("GLAccountCode", "AmountDC", "EntryID").filter(F("EntryID") == Guid(entry_id))
        )
        return sorted((str(row["GLAccountCode"]).strip(), Decimal(str(row["AmountDC"]))) for row in rows)


def test_the_worked_example_is_posted_once_with_the_references_ledger(api, setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    answer = api.post(URL, worked_example(day))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["store"], data["terminal"], data["revision"], data["status"]) == ("01", "1", 1, "queued")
    again = api.post(URL, worked_example(day))  # the POS sends its Z-report again
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Journal.objects.count() == 1

    assert post_due(clock.now()) == {"posted": 1}
    journal = Journal.objects.get(pk=data["journal"])
    assert journal.status == "posted" and journal.reference == f"Z/1/01/1/{day.isoformat()}"
    assert len(entries_with(setup.sandbox, journal.marker)) == 1
    assert post_due(clock.now()) == {}  # nothing left: posted once
    assert ledger(connected, journal.exact_entry_id) == sorted(
        [
            ("1000", Decimal("300.00")),
            ("1010", Decimal("1200.00")),
            ("1020", Decimal("255.00")),
            ("1700", Decimal("50.00")),
            ("8000", Decimal("-1000.00")),  # revenue 21 %
            ("1500", Decimal("-210.00")),  # VAT payable 21 %
            ("8010", Decimal("-500.00")),  # revenue 9 %
            ("1510", Decimal("-45.00")),  # VAT payable 9 %
            ("1700", Decimal("-50.00")),  # gift card sold
            ("4900", Decimal("0.50")),  # Kasverschillen: the shortage
            ("1000", Decimal("-0.50")),
        ]
    )
    shown = api.get(f"{URL}/{data['id']}").json()
    assert shown["status"] == "posted" and shown["exact_entry_number"] == journal.exact_entry_number
    assert [(j["role"], j["status"]) for j in shown["journals"]] == [("day", "posted")]


def test_an_unmapped_payment_method_is_refused_with_the_method_named(api, clocks) -> None:  # type: ignore[no-untyped-def]
    body = worked_example(clocks.now().date())
    body["payments"][1] = {"method": "IDEAL", "amount": "1200.00"}
    answer = api.post(URL, body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["problems"] == [
        {
            "field": "payments[1].method",
            "line": None,
            "message": "payment method IDEAL has no account",
            "code": "closing.method_unmapped",
        }
    ]
    assert not Closing.objects.exists() and not Journal.objects.exists()


def test_problems_of_shape_name_their_field_paths(api, clocks) -> None:  # type: ignore[no-untyped-def]
    body = worked_example(clocks.now().date(), gift_cards_sold="5.001", colour="red")
    body["sales"][1]["amount"] = "-545.00"  # sales are not negative (returns are)
    answer = api.post(URL, body)
    assert answer.status_code == 422
    assert sorted(p["field"] for p in answer.json()["problems"]) == ["colour", "gift_cards_sold", "sales[1].amount"]


def test_the_same_day_with_other_amounts_is_409_naming_the_differences(api, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    first = api.post(URL, worked_example(day)).json()
    answer = api.post(URL, worked_example(day, cash={"expected": "300.00", "counted": "300.00"}))
    assert answer.status_code == 409
    data = answer.json()
    assert data["closing"] == first["id"] and data["code"] == "closing.conflict"
    assert data["differences"] == ["cash.counted: '299.50' → '300.00'"]
    assert Journal.objects.count() == 1


def test_a_corrected_closing_makes_a_reversal_and_a_new_entry(api, setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    first = api.post(URL, worked_example(day)).json()
    assert post_due(clock.now()) == {"posted": 1}
    corrected = worked_example(day, cash={"expected": "300.00", "counted": "300.00"})
    answer = api.post(f"{URL}/{first['id']}/correct", corrected)
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["revision"] == 2 and data["closing"]["cash"]["counted"] == "300.00"
    assert [(j["role"], j["revision"]) for j in data["journals"]] == [("day", 1), ("reversal", 2), ("day", 2)]
    assert api.post(f"{URL}/{first['id']}/correct", corrected).status_code == 200  # the same correction again
    assert api.post(URL, corrected).status_code == 200  # the POS sends the corrected day: the closing as it is

    assert post_due(clock.now()) == {"posted": 2}
    original, reversal, new = (Journal.objects.get(pk=j["id"]) for j in data["journals"])
    assert reversal.reverses_id == original.pk and new.replaces_id == original.pk
    assert new.reference == f"Z/1/01/1/{day.isoformat()}#2"
    for journal in (original, reversal, new):
        assert journal.status == "posted"
        assert len(entries_with(setup.sandbox, journal.marker)) == 1
    total = ledger(connected, original.exact_entry_id) + ledger(connected, reversal.exact_entry_id)
    assert sum(amount for _gl, amount in total) == 0 and sorted(total)[0][1] < 0
    assert ("4900", Decimal("0.50")) not in ledger(connected, new.exact_entry_id)
    assert Closing.objects.get().journal_id == new.pk


def test_a_closing_not_yet_sent_is_replaced_not_reversed(api, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    first = api.post(URL, worked_example(day)).json()
    changed = copy.deepcopy(worked_example(day))
    changed["cash"]["counted"] = "300.00"
    data = api.post(f"{URL}/{first['id']}/correct", changed).json()
    assert [(j["role"], j["status"]) for j in data["journals"]] == [("replaced", "cancelled"), ("day", "queued")]
    assert ClosingJournal.objects.count() == 2
    assert post_due(clock.now()) == {"posted": 1}
