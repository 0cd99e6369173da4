"""The seed's connector path clicked through in Chromium, as a new user would, against the served stack."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import exact_login_and, sign_in

pytestmark = pytest.mark.browser


def open_connectors(page: Page, served_demo) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url("demo"))
    sign_in(page, "admin", "demo")
    page.get_by_role("navigation", name="Main menu").get_by_text("Extra").click()
    page.get_by_role("list", name="Extra").get_by_role("link", name="Connectors").click()
    expect(page.get_by_role("heading", name="Connectors")).to_be_visible()


def add_connector(
    page: Page, served_demo, callback: str | None = None, registered: str | None = None
) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Add → copy the Callback URL → register the app in the sandbox's App Center (second tab) → paste → Save."""
    page.get_by_role("link", name="Add").click()
    number = page.get_by_label("Number").input_value()
    callback_field = page.get_by_label("Callback URL", exact=True)
    expected = callback_field.input_value()
    assert expected == served_demo.url("demo", f"/oauth.ashx?provider={number}")
    page.get_by_role("button", name="Copy Callback URL").click()
    expect(page.get_by_role("button", name="Copy Callback URL")).to_have_text("Copied")

    app_center = page.context.new_page()
    app_center.goto(f"{served_demo.sandbox_url}/appcenter")
    app_center.get_by_label("Name").fill(f"RetailVista ERP {number}")
    app_center.get_by_label("Redirect URI").fill(registered or expected)
    app_center.get_by_role("button", name="Register").click()
    app = {
        "client_id": app_center.locator("#client_id").inner_text(),
        "client_secret": app_center.locator("#client_secret").inner_text(),
    }
    app_center.close()

    page.get_by_label("Region").select_option("sandbox")
    page.get_by_label("Client ID").fill(app["client_id"])
    page.get_by_label("Client secret").fill(app["client_secret"])
    if callback is not None:
        callback_field.fill(callback)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Connector {number} saved.")
    return number, app


def test_new_connector_through_the_whole_seed_path(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    open_connectors(page, served_demo)
    expect(
        page.get_by_role("row", name=re.compile("Exact Online \\(demo\\)")).get_by_role("cell", name="Connected")
    ).to_be_visible()  # the demo's connector 1 (other tests add more)
    _number, app = add_connector(page, served_demo)
    expect(page.get_by_test_id("connector-status")).to_have_text("Not authorized")
    assert app["client_secret"] not in page.content()

    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    exact_login_and(popup, "Allow")
    popup.wait_for_event("close")
    expect(page.get_by_test_id("connector-status")).to_have_text("Connected")
    expect(page.get_by_test_id("connector-division")).to_have_text("7001 Demo Retail BV")
    expect(page.get_by_label("Number")).to_be_disabled()

    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status").first).to_contain_text("Connected as")

    # Re-authorization as the seed describes it: clear the API token, Save, oAuth again.
    page.get_by_label("API token").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("connector-status")).to_have_text("Not authorized")
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    exact_login_and(popup, "Allow")
    popup.wait_for_event("close")
    expect(page.get_by_test_id("connector-status")).to_have_text("Connected")
    page.reload()
    expect(page.get_by_role("table", name="Audit trail")).to_contain_text("Reauthorized")
    expect(page.get_by_role("table", name="Audit trail")).to_contain_text("Disconnected")


def test_blocked_popup_offers_the_same_tab(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    open_connectors(page, served_demo)
    add_connector(page, served_demo)
    page.evaluate("window.open = () => null")  # what a popup blocker does to the page
    page.get_by_role("button", name="oAuth").click()
    expect(page.get_by_role("alert")).to_contain_text("blocked the Exact Online window")
    page.get_by_role("link", name="Or continue in this tab").click()
    exact_login_and(page, "Allow")
    expect(page.get_by_role("heading", name="Connected")).to_be_visible()
    page.get_by_role("link", name="Back to the connector").click()
    expect(page.get_by_test_id("connector-status")).to_have_text("Connected")


def test_cancel_at_exact_shows_what_to_do(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    open_connectors(page, served_demo)
    add_connector(page, served_demo)
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    exact_login_and(popup, "Cancel")
    expect(popup.get_by_role("heading", name="Authorization cancelled")).to_be_visible()
    expect(popup.get_by_role("alert")).to_contain_text("did not give access")
    popup.close()
    page.reload()
    expect(page.get_by_test_id("connector-status")).to_have_text("Not authorized")


def test_a_saved_callback_that_cannot_come_back_blocks_oauth_until_fixed(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 2: no oAuth that ends in "Unknown connector"; the one-line fix makes it work."""
    open_connectors(page, served_demo)
    wrong = served_demo.url("testbedrijf", "/oauth.ashx?provider=99")
    number, _app = add_connector(page, served_demo, callback=wrong)
    expected = served_demo.url("demo", f"/oauth.ashx?provider={number}")
    mismatch = page.get_by_test_id("callback-mismatch")
    expect(mismatch).to_be_visible()
    expect(mismatch.locator("mark").first).to_have_text(re.compile(r"^testbedrijf"))
    expect(page.get_by_role("button", name="oAuth")).to_have_count(0)
    expect(page.get_by_test_id("oauth-blocked")).to_contain_text(f"Put {expected} in Callback URL")
    page.get_by_label("Callback URL", exact=True).fill(expected)
    page.get_by_role("button", name="Save").click()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    exact_login_and(popup, "Allow")
    popup.wait_for_event("close")
    expect(page.get_by_test_id("connector-status")).to_have_text("Connected")


def test_an_app_registered_with_another_callback_is_explained_by_exact(served_demo, page) -> None:  # type: ignore[no-untyped-def]
    """The article's last notification: the connector is right, the app at Exact has another redirect URL."""
    open_connectors(page, served_demo)
    wrong = served_demo.url("testbedrijf", "/oauth.ashx?provider=99")
    add_connector(page, served_demo, registered=wrong)
    expect(page.get_by_test_id("callback-mismatch")).to_have_count(0)
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="oAuth").click()
    popup = popup_info.value
    expect(popup.get_by_text("is not valid")).to_be_visible()
