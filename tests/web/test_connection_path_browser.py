"""The help article's path in Chromium, in the orders a new company admin takes it (issue 15).

Each scenario starts with a company of its own that has no alias yet, signed in on the bare domain with the
company number, as a newly created company's admin is.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import run_cli
from tests.support.browser import exact_login_and, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a-long-shop-password-42"
_numbers = itertools.count(2101)


def new_company(served_demo) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """An operator's fresh company: licence granted, an admin, no alias."""
    number = next(_numbers)
    for args in (
        ("company", "create", "--number", str(number), "--name", f"Shop {number} BV", "--language", "en"),
        ("licence", "grant", str(number), "exact_online"),
    ):
        done = run_cli(*args, env=served_demo.env)
        assert done.returncode == 0, done.stderr
    made = run_cli(
        "user", "create", "--company", str(number), "--username", "owner", "--role", "admin", "--password-stdin",
        env=served_demo.env, input_text=PASSWORD + "\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return number, f"shop{number}"


def sign_in_on_bare_domain(page: Page, served_demo, number: int) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url(None, "/login"))
    sign_in(page, "owner", PASSWORD, company_number=str(number))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def set_alias(page: Page, served_demo, number: int, alias: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("navigation", name="Main menu").get_by_text("Extra").click()
    page.get_by_role("list", name="Extra").get_by_role("link", name="Companies").click()
    page.get_by_role("link", name=f"Shop {number} BV").click()
    page.get_by_label("Alias").fill(alias)
    page.get_by_role("button", name="Save").click()
    # Carried over, signed in, to the company's new address.
    expect(page).to_have_url(re.compile(rf"^http://{alias}\.localhost:{served_demo.port}/companies/{number}/$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def open_connectors(page: Page) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_text("Extra").click()
    page.get_by_role("list", name="Extra").get_by_role("link", name="Connectors").click()


def add_and_connect(page: Page, served_demo, alias: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Add").click()
    number = page.get_by_label("Number").input_value()
    callback = page.get_by_label("Callback URL", exact=True).input_value()
    assert callback == served_demo.url(alias, f"/oauth.ashx?provider={number}")
    app_center = page.context.new_page()
    app_center.goto(f"{served_demo.sandbox_url}/appcenter")
    app_center.get_by_label("Name").fill(f"RetailVista ERP {alias}")
    app_center.get_by_label("Redirect URI").fill(callback)
    app_center.get_by_role("button", name="Register").click()
    client_id = app_center.locator("#client_id").inner_text()
    client_secret = app_center.locator("#client_secret").inner_text()
    app_center.close()
    page.get_by_label("Region").select_option("sandbox")
    page.get_by_label("Client ID").fill(client_id)
    page.get_by_label("Client secret").fill(client_secret)
    page.get_by_role("button", name="Save").click()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    exact_login_and(popup, "Allow")
    popup.wait_for_event("close")
    expect(page.get_by_test_id("connector-status")).to_have_text("Connected")


def test_alias_first_on_the_bare_domain_then_connector(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 1: the article's own order, which used to end in "Another session"."""
    number, alias = new_company(served_demo)
    sign_in_on_bare_domain(page, served_demo, number)
    set_alias(page, served_demo, number, alias)
    open_connectors(page)
    add_and_connect(page, served_demo, alias)


def test_connector_first_leads_to_the_alias_and_back(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    number, alias = new_company(served_demo)
    sign_in_on_bare_domain(page, served_demo, number)
    open_connectors(page)
    expect(page.get_by_role("alert")).to_contain_text("needs the company to have an alias")
    expect(page.get_by_role("link", name="Add")).to_have_count(0)
    page.get_by_role("link", name="Set the alias under Extra → Companies").click()
    page.get_by_label("Alias").fill(alias)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"^http://{alias}\.localhost:{served_demo.port}/"))
    open_connectors(page)
    add_and_connect(page, served_demo, alias)


def test_an_aliased_company_signed_in_on_the_bare_domain_connects(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """The demo company (alias `demo`) signed in on the bare domain: handed over, and the path works there."""
    page.goto(served_demo.url(None, "/login"))
    sign_in(page, "admin", "demo", company_number="1001")
    expect(page).to_have_url(re.compile(rf"^http://demo\.localhost:{served_demo.port}/"))
    open_connectors(page)
    add_and_connect(page, served_demo, "demo")


def test_the_callback_follows_a_typed_number(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 3: Number 25 typed, Callback URL says provider=25 before anything is saved."""
    page.goto(served_demo.url("demo"))
    sign_in(page, "admin", "demo")
    open_connectors(page)
    page.get_by_role("link", name="Add").click()
    callback = page.get_by_label("Callback URL", exact=True)
    page.get_by_label("Number").fill("25")
    expect(callback).to_have_value(served_demo.url("demo", "/oauth.ashx?provider=25"))
    callback.fill("https://proxy.example.com/oauth.ashx?provider=25")
    page.get_by_label("Number").fill("26")
    expect(callback).to_have_value("https://proxy.example.com/oauth.ashx?provider=25")  # the user's own stays


def test_same_tab_result_has_no_close_button(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 8: the same-tab result page cannot close itself, so it does not offer to."""
    page.goto(served_demo.url("demo"))
    sign_in(page, "admin", "demo")
    page.goto(served_demo.url("demo", "/oauth.ashx?provider=1&code=x&state=made-up"))
    expect(page.get_by_role("heading", name="Unknown authorization")).to_be_visible()
    expect(page.get_by_role("button", name="Close this window")).to_be_hidden()
    expect(page.get_by_text("Close this window")).to_be_hidden()
    page.get_by_role("link", name="Back to the connector").click()
    expect(page.get_by_test_id("connector-status")).to_be_visible()
