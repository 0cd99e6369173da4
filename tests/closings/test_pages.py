"""The closings pages through Django's test client: list with missing days, a closing and its journal linked both
ways, the form that asks to map a new payment method, and the closing mapping page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledgerlink.closings.actions import receive
from ledgerlink.closings.mapping import save_mapping
from ledgerlink.closings.models import Closing, ClosingMapping
from ledgerlink.journals.models import JournalLine
from ledgerlink.tenancy.actors import Actor
from tests.closings.test_api_sandbox import worked_example

pytestmark = pytest.mark.django_db


def test_list_detail_and_journal_link_each_other(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    today = clocks.now().date()
    for days_ago in (14, 13, 12, 11, 10, 9, 8, 1):  # a terminal that closes every day, but not 7 … 2 days ago
        receive(setup.company, worked_example(today - timedelta(days=days_ago)))
    closing = Closing.objects.get(date=today - timedelta(days=1))
    listed = setup.client.get("/closings/").content.decode()
    assert f'href="/closings/{closing.pk}/"' in listed
    missing = listed.split('data-testid="missing-01-1">')[1].split("</td>")[0]
    assert missing.count(",") == 5  # six missing days, named
    detail = setup.client.get(f"/closings/{closing.pk}/").content.decode()
    assert closing.journal.reference in detail and "Lines of the day journal" in detail
    journal_page = setup.client.get(f"/journals/{closing.journal_id}/").content.decode()
    assert f'href="/closings/{closing.pk}/"' in journal_page and 'data-testid="journal-closing"' in journal_page


def test_the_form_asks_to_map_a_new_method_and_then_saves(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    form = {
        "connector": "1",
        "store": "03",
        "terminal": "2",
        "date": clocks.now().date().isoformat(),
        "including_vat": "on",
        "sales_21": "121.00",
        "method_0": "IDEAL",
        "amount_0": "121.00",
    }
    asked = setup.client.post("/closings/new", form).content.decode()
    assert "payment method IDEAL has no account" in asked and 'name="map_IDEAL"' in asked
    saved = setup.client.post("/closings/new", {**form, "map_IDEAL": "1020"})
    closing = Closing.objects.get(store="03")
    assert saved.status_code == 302 and saved["Location"] == f"/closings/{closing.pk}/"
    assert ClosingMapping.objects.get(connector=connected).methods["IDEAL"] == "1020"


def test_the_mapping_page_offers_exacts_accounts_and_saves(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    receive(setup.company, worked_example(clocks.now().date()))  # reads Exact's data
    page = setup.client.get("/closings/mapping/1/").content.decode()
    assert "1700 Cadeaubonnen" in page and "2 Btw hoog 21% excl." in page
    post = {"rate_0": "21", "rate_gl_0": "8000", "rate_vat_0": "4", "method_0": "CASH", "method_gl_0": "1000"}
    assert setup.client.post("/closings/mapping/1/", post).status_code == 302
    mapping = ClosingMapping.objects.get(connector=connected)
    assert mapping.rates == {"21": {"gl": "8000", "vat_code": "4"}} and mapping.methods == {"CASH": "1000"}


def test_the_form_shows_every_part_of_a_closing_and_corrects_any_of_them(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date() - timedelta(days=1)
    body = worked_example(
        day,
        sales=[{"vat_rate": "21", "amount": "1310.00"}, {"vat_rate": "9", "amount": "545.00"}],
        returns=[{"vat_rate": "21", "amount": "60.50"}],
        discounts=[{"vat_rate": "21", "amount": "39.50"}],
        deposits=[{"amount": "20.00", "description": "Aanbetaling fiets"}],
        till_expenses=[{"amount": "12.50", "description": "Koffie"}],
        transfers=[{"to": "bank", "amount": "100.00"}],
        cash={"expected": "187.50", "counted": "187.00"},
        payments=[
            {"method": "CASH", "amount": "300.00"},
            {"method": "PIN", "amount": "1200.00"},
            {"method": "CREDITCARD", "amount": "275.00"},
            {"method": "GIFTCARD", "amount": "50.00"},
        ],
    )
    save_mapping(Actor.system(), connected, {"deposits": "1700", "safe": "1000"})  # no default for these two
    closing = receive(setup.company, body).closing
    shown = setup.client.get(f"/closings/{closing.pk}/correct").content.decode()
    for name, value in [
        ("returns_21", "60.50"),
        ("discounts_21", "39.50"),
        ("deposit_amount_0", "20.00"),
        ("deposit_description_0", "Aanbetaling fiets"),
        ("expense_amount_0", "12.50"),
        ("expense_description_0", "Koffie"),
        ("transfer_amount_0", "100.00"),
    ]:
        assert f'name="{name}" ' in shown and f'value="{value}"' in shown.split(f'name="{name}" ')[1][:120], name
    assert '<option value="bank" selected>' in shown
    form = {
        "connector": "1",
        "store": "01",
        "terminal": "1",
        "date": day.isoformat(),
        "including_vat": "on",
        "rate": ["21", "9", "0", "exempt"],
        "sales_21": "1310.00",
        "sales_9": "545.00",
        "returns_21": "60.50",
        "discounts_21": "39.50",
        "rows_payments": "6",
        **{f"method_{i}": p["method"] for i, p in enumerate(body["payments"])},
        **{f"amount_{i}": p["amount"] for i, p in enumerate(body["payments"])},
        "gift_cards_sold": "50.00",
        "rows_deposits": "2",
        "deposit_amount_0": "20.00",
        "deposit_description_0": "Aanbetaling fiets",
        "rows_till_expenses": "2",
        "expense_amount_0": "12.50",
        "expense_description_0": "Koffie",
        "expense_amount_1": "7.50",  # a second expense, and so 7.50 less cash in the till
        "expense_description_1": "Postzegels",
        "rows_transfers": "2",
        "transfer_to_0": "bank",
        "transfer_amount_0": "100.00",
        "transfer_to_1": "safe",
        "transfer_amount_1": "50.00",  # and 50.00 to the safe
        "cash_expected": "130.00",
        "cash_counted": "129.50",
    }
    revision = closing.revision
    saved = setup.client.post(f"/closings/{closing.pk}/correct", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    closing.refresh_from_db()
    assert closing.revision == revision + 1
    assert closing.content["till_expenses"] == [
        {"amount": "12.50", "description": "Koffie"},
        {"amount": "7.50", "description": "Postzegels"},
    ]
    assert closing.content["transfers"] == [{"to": "bank", "amount": "100.00"}, {"to": "safe", "amount": "50.00"}]
    assert closing.content["returns"] == [{"vat_rate": "21", "amount": "60.50"}]
    assert closing.content["deposits"] == [{"amount": "20.00", "description": "Aanbetaling fiets"}]


def test_the_mapping_page_sets_the_hour_of_the_missing_day_check(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/closings/mapping/1/").content.decode()
    assert 'name="missing_day_hour"' in page and '<option value="9">09:00</option>' in page
    assert setup.client.post("/closings/mapping/1/", {"missing_day_hour": "9"}).status_code == 302
    assert ClosingMapping.objects.get(connector=connected).missing_day_hour == 9
    assert '<option value="9" selected>' in setup.client.get("/closings/mapping/1/").content.decode()
    refused = setup.client.post("/closings/mapping/1/", {"missing_day_hour": "24"}, follow=True).content.decode()
    assert "Choose an hour from the list" in refused
    assert ClosingMapping.objects.get(connector=connected).missing_day_hour == 9
    assert setup.client.post("/closings/mapping/1/", {"missing_day_hour": ""}).status_code == 302
    assert ClosingMapping.objects.get(connector=connected).missing_day_hour is None


def test_the_day_journal_speaks_the_companys_language_in_exact(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    today = clocks.now().date()
    setup.company.language = "nl"
    setup.company.save()
    dutch = receive(setup.company, worked_example(today - timedelta(days=2))).closing.journal
    setup.company.language = "en"
    setup.company.save()
    english = receive(setup.company, worked_example(today - timedelta(days=1))).closing.journal
    assert dutch.description == "Dagafsluiting 01/1" and english.description == "Day closing 01/1"
    lines = {
        j.pk: list(JournalLine.objects.filter(journal=j).order_by("line_no").values_list("description", flat=True))
        for j in (dutch, english)
    }
    assert "Betalingen PIN" in lines[dutch.pk] and "Kasverschil" in lines[dutch.pk]
    assert "Omzet btw 21" in lines[dutch.pk] and "Verkochte cadeaubonnen" in lines[dutch.pk]
    assert "Payments PIN" in lines[english.pk] and "Cash difference" in lines[english.pk]
