"""The Content-Security-Policy in a real browser: our pages work under it, and it does block inline code."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def sign_in(page: Page, served_demo) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url("demo", "/login"))
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_the_policy_blocks_injected_inline_script(served_demo, page: Page, csp_violations: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.goto(served_demo.url("demo", "/login"))
    # What an injected <script> or handler would do: the browser refuses it and nothing runs.
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';
                   document.body.appendChild(s);
                   const img = document.createElement('img'); img.setAttribute('onerror', 'window.__ran = true');
                   img.src = '/nowhere.png'; document.body.appendChild(img); }"""
    )
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("() => window.__ran === true") is False
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()  # expected here; the fixture fails every other test that meets one


def test_quick_search_with_no_hits_and_api_docs_run_under_the_policy(served_demo, page: Page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, served_demo)
    page.keyboard.press("Control+k")
    page.keyboard.type("zzzz-nothing")
    expect(page.get_by_role("option", name="Nothing found")).to_be_visible()
    page.goto(served_demo.url("demo", "/api/v1/docs"))
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
