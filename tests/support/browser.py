"""Steps a person takes in the browser, shared by the Playwright tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def sign_in(page, username: str, password: str, company_number: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if company_number is not None:
        page.get_by_label("Company number").fill(company_number)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def exact_login_and(popup: Page, button: str) -> None:
    """Sign in at Exact (unless Exact still knows us from before, as it does) and press Allow or Cancel."""
    login = popup.get_by_label("Username")
    expect(login.or_(popup.get_by_role("button", name=button))).to_be_visible()
    if login.is_visible():
        login.fill("demo@exact.example")
        popup.get_by_label("Password").fill("demo")
        popup.get_by_role("button", name="Log in").click()
    popup.get_by_role("button", name=button).click()
