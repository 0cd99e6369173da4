"""Steps a person takes in the browser, shared by the Playwright tests."""

from __future__ import annotations


def sign_in(page, username: str, password: str, company_number: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if company_number is not None:
        page.get_by_label("Company number").fill(company_number)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
