"""Journals as a new user meets them: submit through the API, watch it post, break a mapping, fix it, Resend."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import run_cli
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def journal(reference: str) -> dict:  # type: ignore[type-arg]
    return {
        "reference": reference,
        "kind": "cash",
        "connector": 1,
        "date": datetime.now(UTC).date().isoformat(),
        "description": f"Kasdag {reference}",
        "lines": [
            {"ledger_code": "1000", "debit": "121.00", "description": "Contant"},
            {
                "ledger_code": "8000",
                "credit": "100.00",
                "vat_code": "2",
                "vat_amount": "21.00",
                "description": "Omzet hoog",
            },
        ],
    }


def open_journal(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Main menu").locator("summary", has_text="Journals").click()
    page.get_by_role("list", name="Journals").get_by_role("link", name="Journals").click()
    page.get_by_role("link", name=reference).click()


def wait_for_status(page: Page, status: str) -> None:
    for _ in range(60):
        if page.get_by_test_id("journal-status").inner_text() == status:
            return
        page.wait_for_timeout(500)  # the worker is another process; the page is reloaded until it is done
        page.reload()
    expect(page.get_by_test_id("journal-status")).to_have_text(status)


def test_submit_post_break_fix_resend(served_demo, page: Page) -> None:  # type: ignore[no-untyped-def]
    made = run_cli("apikey", "create", "--company", "demo", "--name", "browser test", env=served_demo.env)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    # The ERP calls the company's own address; Python's resolver does not know *.localhost, so say it in Host.
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{served_demo.port}",
        headers={"Authorization": f"Bearer {key}", "Host": f"demo.localhost:{served_demo.port}"},
    )
    created = api.post("/api/v1/journals", json=journal("BROWSER-1"))
    assert created.status_code == 201, created.text

    page.goto(served_demo.url("demo"))
    sign_in(page, "admin", "demo")
    open_journal(page, "BROWSER-1")
    wait_for_status(page, "Posted")
    expect(page.get_by_test_id("entry-number")).to_have_text(re.compile(r"^\d{8}$"))

    # Break the mapping: ledger 8000 now goes to an account Exact does not have.
    page.goto(served_demo.url("demo", "/journals/mapping/1/"))
    page.get_by_label("Ledger overrides").fill("8000 = 8050")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Mapping saved")
    assert api.post("/api/v1/journals", json=journal("BROWSER-2")).status_code == 201
    page.goto(served_demo.url("demo", "/journals/"))
    page.get_by_role("link", name="BROWSER-2").click()
    wait_for_status(page, "Failed")
    expect(page.get_by_test_id("journal-message")).to_contain_text("ledger 8000 (mapped to 8050) has no GL account")

    # Fix it and send it again.
    page.get_by_role("link", name="Mapping").click()
    page.get_by_label("Ledger overrides").fill("")
    page.get_by_role("button", name="Save").click()
    page.goto(served_demo.url("demo", "/journals/"))
    page.get_by_role("link", name="BROWSER-2").click()
    page.get_by_role("button", name="Resend").click()
    wait_for_status(page, "Posted")
    expect(page.get_by_role("table", name="Attempts")).to_contain_text("Refused before sending")
