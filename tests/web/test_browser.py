"""The foundation clicked through in Chromium, against the real service under gunicorn."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


def test_admin_renames_company_and_quick_searches_users(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url("demo"))
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_label("Company number")).to_have_count(0)
    sign_in(page, "admin", "demo")
    expect(page.get_by_role("heading", name="Demo Retail BV")).to_be_visible()

    page.get_by_role("navigation", name="Main menu").get_by_text("Extra").click()
    page.get_by_role("list", name="Extra").get_by_role("link", name="Companies").click()
    expect(page.get_by_role("heading", name="Companies")).to_be_visible()
    page.get_by_role("link", name="Demo Retail BV").click()
    page.get_by_label("Name").fill("Demo Retail Groep")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Company saved.")
    expect(page.get_by_role("heading", name="Company 1001 · Demo Retail Groep")).to_be_visible()
    expect(page.get_by_role("table", name="Audit log")).to_contain_text("Demo Retail BV → Demo Retail Groep")

    page.keyboard.press("Control+k")
    search = page.get_by_role("combobox", name="Quick search")
    expect(search).to_be_focused()
    search.press_sequentially("Users")
    expect(page.get_by_role("option", name=re.compile("Users"))).to_be_visible()
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_role("cell", name="admin", exact=True)).to_be_visible()


def test_bare_domain_login_with_company_number_lands_on_alias_host(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url(None, "/login"))
    sign_in(page, "admin", "demo", company_number="1001")
    expect(page).to_have_url(served_demo.url("demo", "/"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_operator_sees_companies_and_wrong_password_is_refused(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url(None, "/login"))
    sign_in(page, "operator", "wrong")
    expect(page.get_by_role("alert")).to_contain_text("Company number, user name or password is not right.")
    sign_in(page, "operator", "operator")
    page.get_by_role("navigation", name="Main menu").get_by_text("Extra").click()
    page.get_by_role("list", name="Extra").get_by_role("link", name="Companies").click()
    expect(page.get_by_role("link", name="New company")).to_be_visible()
    expect(page.get_by_role("cell", name="demo", exact=True)).to_be_visible()
