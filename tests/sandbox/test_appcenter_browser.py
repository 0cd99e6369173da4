"""The App Center and the OAuth pages clicked through in Chromium, as a person would."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from exact_sandbox.testing import SandboxHandle

pytestmark = pytest.mark.browser


def test_register_an_app_and_authorize_it_in_chromium(exact_sandbox: SandboxHandle, page: Any) -> None:
    callback = f"{exact_sandbox.base_url}/callback"
    page.goto(f"{exact_sandbox.base_url}/appcenter")
    page.get_by_label("Name").fill("Browser app")
    page.get_by_label("Redirect URI").fill(callback)
    page.get_by_role("button", name="Register").click()
    client_id = page.locator("#client_id").inner_text()
    client_secret = page.locator("#client_secret").inner_text()
    assert page.locator("#webhook_secret").inner_text()

    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": callback,
            "response_type": "code",
            "state": "browser-state",
            "force_login": "1",
        }
    )
    page.goto(f"{exact_sandbox.base_url}/api/oauth2/auth?{query}")
    page.get_by_label("Username").fill("demo@exact.example")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert "incorrect" in page.get_by_role("alert").inner_text()
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{callback}?**")
    params = parse_qs(urlsplit(page.url).query)
    assert params["state"] == ["browser-state"]

    token = httpx.post(
        f"{exact_sandbox.base_url}/api/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": callback,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=10,
    )
    assert token.status_code == 200 and token.json()["expires_in"] == "600"

    page.goto(f"{exact_sandbox.base_url}/appcenter")
    page.get_by_role("button", name="Delete Browser app").click()
    assert page.get_by_text("No apps registered yet.").is_visible()
