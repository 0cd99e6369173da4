"""A day closing entered by hand, as a bookkeeper does when the POS could not send it: a new payment method is
mapped when the form asks, and the day is posted to Exact and linked both ways with its journal."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def wait_for_status(page: Page, status: str) -> None:
    for _ in range(60):
        if page.get_by_test_id("closing-status").inner_text() == status:
            return
        page.wait_for_timeout(500)  # the worker is another process; the page is reloaded until it is done
        page.reload()
    expect(page.get_by_test_id("closing-status")).to_have_text(status)


def test_enter_a_closing_map_a_new_method_and_see_it_posted(served_demo, page: Page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url("demo"))
    sign_in(page, "admin", "demo")
    page.get_by_role("navigation", name="Main menu").locator("summary", has_text="Journals").click()
    page.get_by_role("list", name="Journals").get_by_role("link", name="Day closings").click()
    page.get_by_role("link", name="Enter a closing").click()

    page.get_by_label("Store").fill("02")
    page.get_by_label("Terminal").fill("1")
    page.get_by_label("Date").fill(datetime.now(UTC).date().isoformat())
    page.get_by_label("Sales VAT 21").fill("121.00")
    page.get_by_label("Payment method 1").fill("CASH")
    page.get_by_label("Amount 1", exact=True).fill("21.00")
    page.get_by_label("Payment method 2").fill("IDEAL")
    page.get_by_label("Amount 2", exact=True).fill("100.00")
    page.get_by_label("Cash expected").fill("21.00")
    page.get_by_label("Cash counted").fill("20.90")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("closing-problems")).to_contain_text("payment method IDEAL has no account")
    page.get_by_label("Account for payment method IDEAL").select_option("1020")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Day closing 02/1")
    wait_for_status(page, "Posted")
    expect(page.get_by_test_id("entry-number")).to_have_text(re.compile(r"^\d{8}$"))
    lines = page.get_by_role("table", name="Lines of the day journal")
    expect(lines).to_contain_text("Betalingen IDEAL")  # words for Exact are the company's language (Dutch)
    expect(lines).to_contain_text("Kasverschil")

    page.get_by_test_id("closing-journal").click()  # the day journal's page names its closing
    expect(page.get_by_test_id("journal-closing")).to_contain_text("Day closing 02/1")
    page.get_by_test_id("journal-closing").click()
    expect(page.get_by_test_id("closing-status")).to_have_text("Posted")

    # The coffee was paid from the till: the closing is corrected by hand with a till expense.
    page.get_by_role("link", name="Correct the closing").click()
    page.get_by_label("Till expense 1", exact=True).fill("5.00")
    page.get_by_label("Description of till expense 1").fill("Koffie")
    page.get_by_label("Cash expected").fill("16.00")
    page.get_by_label("Cash counted").fill("15.90")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day closing 02/1")
    wait_for_status(page, "Posted")
    expect(page.locator("dl.facts")).to_contain_text("Koffie")
    expect(page.get_by_role("table", name="Lines of the day journal")).to_contain_text("Kassa-uitgave Koffie")
    journals = page.get_by_role("table", name="Journals of this closing")
    expect(journals).to_contain_text("Reversal")
    expect(journals.locator("tbody tr")).to_have_count(3)  # the day journal, its reversal, the corrected one
