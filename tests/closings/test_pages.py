"""The closings pages through Django's test client: list with missing days, a closing and its journal linked both
ways, the form that asks to map a new payment method, and the closing mapping page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledgerlink.closings.actions import receive
from ledgerlink.closings.models import Closing, ClosingMapping
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
