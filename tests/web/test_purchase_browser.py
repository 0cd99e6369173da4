"""A purchase invoice as a Dutch bookkeeper meets it: the ERP sends it, it is found among the journals by its
kind, posted to Exact's purchase journal with the supplier's invoice number, and the mapping page has its
journal and fallback supplier."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import run_cli
from tests.support.browser import sign_in
from tests.web.test_journal_browser import wait_for_status

pytestmark = pytest.mark.browser


def purchase(reference: str, invoice_number: str) -> dict:  # type: ignore[type-arg]
    return {
        "reference": reference,
        "kind": "purchase",
        "connector": 1,
        "date": datetime.now(UTC).date().isoformat(),
        "description": f"Drukwerk {reference}",
        "relation_code": "2001",
        "invoice_number": invoice_number,
        "lines": [
            {"ledger_code": "7000", "debit": "1000.00", "vat_code": "6", "vat_amount": "210.00"},
            {"ledger_code": "1600", "credit": "1210.00"},
        ],
    }


def test_a_dutch_bookkeeper_finds_a_posted_purchase_invoice_and_its_mapping(served_demo, page: Page) -> None:  # type: ignore[no-untyped-def]
    made = run_cli("apikey", "create", "--company", "demo", "--name", "inkoop", env=served_demo.env)
    assert made.returncode == 0, made.stderr
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{served_demo.port}",
        headers={"Authorization": f"Bearer {made.stdout.strip()}", "Host": f"demo.localhost:{served_demo.port}"},
    )
    created = api.post("/api/v1/journals", json=purchase("INK-BROWSER-1", "VV-2026-0077"))
    assert created.status_code == 201, created.text

    page.goto(served_demo.url("demo"))
    sign_in(page, "beheerder", "demo")
    page.goto(served_demo.url("demo", "/journals/"))
    page.get_by_label("Soort").select_option(label="Inkoopfactuur")
    page.get_by_role("button", name="Filteren").click()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="INK-BROWSER-1")).to_have_count(1)
    expect(rows.filter(has_text="Kasjournaal")).to_have_count(0)  # only purchase invoices are listed
    page.get_by_role("link", name="INK-BROWSER-1").click()
    wait_for_status(page, "Geboekt")
    expect(page.get_by_test_id("entry-number")).to_have_text(re.compile(r"^\d{8}$"))
    expect(page.get_by_test_id("invoice-number")).to_have_text("VV-2026-0077")
    expect(page.locator("main")).to_contain_text("1.210,00")

    page.goto(served_demo.url("demo", "/journals/mapping/1/"))
    expect(page.get_by_label("Dagboek voor inkoopfacturen")).to_have_value("60")
    supplier = page.get_by_label("Leverancier voor inkopen zonder leverancier")
    expect(supplier.locator("option", has_text="2001")).to_have_count(1)  # Exact's suppliers to choose from
