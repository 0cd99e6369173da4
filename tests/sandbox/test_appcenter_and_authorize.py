"""App Center page and the browser half of OAuth (GET/POST /api/oauth2/auth), driven like a browser."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from exact_sandbox.testing import SandboxHandle


def _text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert match, f"no element {element_id}"
    return match.group(1)


def test_app_center_registers_lists_and_deletes_an_app(exact_sandbox: SandboxHandle) -> None:
    with exact_sandbox.client() as browser:
        page = browser.get("/appcenter")
        assert page.status_code == 200 and 'for="redirect_uri">Redirect URI' in page.text
        created = browser.post(
            "/appcenter/apps",
            data={"name": "ledgerlink demo", "redirect_uri": "http://demo.localhost:8000/oauth.ashx?provider=25"},
        )
        assert created.status_code == 201
        client_id = _text_of(created.text, "client_id")
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", client_id)
        assert len(_text_of(created.text, "client_secret")) >= 12
        assert re.fullmatch(r"[0-9a-f]{32}", _text_of(created.text, "webhook_secret"))
        listing = browser.get("/appcenter").text
        assert "ledgerlink demo" in listing and client_id in listing
        deleted = browser.post(f"/appcenter/apps/{client_id}/delete")
        assert deleted.status_code == 303 and deleted.headers["location"].endswith("/appcenter")
        assert client_id not in browser.get("/appcenter").text
    assert exact_sandbox.state()["apps"] == []


@pytest.mark.parametrize(
    "uri",
    [
        "https://retail.example.com/oauth.ashx?provider=25",
        "http://localhost:8000/cb",
        "http://127.0.0.1:9/cb",
        "http://demo.localhost:8000/oauth.ashx?provider=1",
    ],
)
def test_redirect_uris_that_are_accepted(exact_sandbox: SandboxHandle, uri: str) -> None:
    with exact_sandbox.client() as browser:
        assert browser.post("/appcenter/apps", data={"name": "a", "redirect_uri": uri}).status_code == 201


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://retail.example.com/cb", "must use https"),
        ("http://localhost.example.com/cb", "must use https"),
        ("ftp://example.com/cb", "absolute URL"),
        ("/relative/cb", "absolute URL"),
        ("https://example.com/cb#frag", "fragment"),
        ("", "required"),
    ],
)
def test_redirect_uris_that_are_refused(exact_sandbox: SandboxHandle, uri: str, message: str) -> None:
    with exact_sandbox.client() as browser:
        response = browser.post("/appcenter/apps", data={"name": "a", "redirect_uri": uri})
    assert response.status_code == 400 and message in response.text
    assert exact_sandbox.state()["apps"] == []


def test_app_names_are_unique(exact_sandbox: SandboxHandle) -> None:
    exact_sandbox.register_app("Kassa")
    with exact_sandbox.client() as browser:
        response = browser.post("/appcenter/apps", data={"name": "kassa", "redirect_uri": "https://x.example/cb"})
    assert response.status_code == 400 and "already exists" in response.text


@pytest.fixture
def app(exact_sandbox: SandboxHandle) -> dict[str, str]:
    return exact_sandbox.register_app("Flow", "http://demo.localhost:8000/oauth.ashx?provider=25")


def _params(app: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        "client_id": app["client_id"],
        "redirect_uri": app["redirect_uri"],
        "response_type": "code",
        "state": "s-123",
        **extra,
    }


def _login(browser: httpx.Client, app: dict[str, str], password: str = "demo") -> httpx.Response:
    return browser.post(
        "/api/oauth2/auth",
        data={**_params(app), "action": "login", "username": "demo@exact.example", "password": password},
    )


def test_full_browser_flow_allow_redirects_with_an_encoded_code(
    exact_sandbox: SandboxHandle, app: dict[str, str]
) -> None:
    with exact_sandbox.client() as browser:
        form = browser.get("/api/oauth2/auth", params=_params(app))
        assert form.status_code == 200 and 'name="password"' in form.text
        consent = _login(browser, app)
        assert consent.status_code == 200 and ">Allow</button>" in consent.text and ">Cancel</button>" in consent.text
        assert "7001 Demo Retail BV" in consent.text and "7002 Demo Retail Filiaal" in consent.text
        answer = browser.post("/api/oauth2/auth", data={**_params(app), "action": "allow"})
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith("http://demo.localhost:8000/oauth.ashx?provider=25&code=")
    assert "%21" in location and "!" not in location  # the code holds "!" and arrives URL-encoded
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["s-123"] and query["provider"] == ["25"]
    token = exact_sandbox.client().post(
        "/api/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": app["redirect_uri"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert token.status_code == 200


def test_cancel_redirects_with_access_denied(exact_sandbox: SandboxHandle, app: dict[str, str]) -> None:
    with exact_sandbox.client() as browser:
        _login(browser, app)
        answer = browser.post("/api/oauth2/auth", data={**_params(app), "action": "cancel"})
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["location"]).query) == {
        "provider": ["25"],
        "error": ["access_denied"],
        "state": ["s-123"],
    }


def test_wrong_password_shows_the_form_again_with_an_error(exact_sandbox: SandboxHandle, app: dict[str, str]) -> None:
    with exact_sandbox.client() as browser:
        answer = _login(browser, app, password="wrong")
        assert answer.status_code == 200 and "incorrect" in answer.text and 'name="password"' in answer.text
        assert "ExactSandboxSession" not in answer.headers.get("set-cookie", "")
        # Without a session, Allow cannot be clicked past the login.
        sneaky = browser.post("/api/oauth2/auth", data={**_params(app), "action": "allow"})
    assert sneaky.status_code == 200 and 'name="password"' in sneaky.text


def test_session_skips_login_unless_force_login(exact_sandbox: SandboxHandle, app: dict[str, str]) -> None:
    with exact_sandbox.client() as browser:
        _login(browser, app)
        again = browser.get("/api/oauth2/auth", params=_params(app))
        assert ">Allow</button>" in again.text and 'name="password"' not in again.text
        forced = browser.get("/api/oauth2/auth", params=_params(app, force_login="1"))
        assert 'name="password"' in forced.text


def test_redirect_uri_mismatch_shows_exacts_page_and_never_redirects(
    exact_sandbox: SandboxHandle, app: dict[str, str]
) -> None:
    wrong = "http://demo.localhost:8000/oauth.ashx?provider=26"
    with exact_sandbox.client() as browser:
        answer = browser.get("/api/oauth2/auth", params=_params(app, redirect_uri=wrong))
        assert "location" not in answer.headers
        assert f"Callback URI '{wrong}' is not valid" in html.unescape(answer.text)
        posted = browser.post("/api/oauth2/auth", data={**_params(app, redirect_uri=wrong), "action": "allow"})
    assert "location" not in posted.headers and "is not valid" in posted.text


def test_unknown_client_gets_an_error_page(exact_sandbox: SandboxHandle) -> None:
    with exact_sandbox.client() as browser:
        answer = browser.get(
            "/api/oauth2/auth",
            params={"client_id": "00000000-0000-0000-0000-000000000000", "redirect_uri": "https://x.example/cb"},
        )
    assert answer.status_code == 400 and "is not registered" in answer.text and "location" not in answer.headers


def test_unsupported_response_type_is_reported_to_the_callback(
    exact_sandbox: SandboxHandle, app: dict[str, str]
) -> None:
    with exact_sandbox.client() as browser:
        answer = browser.get("/api/oauth2/auth", params=_params(app, response_type="token"))
    assert answer.status_code == 302 and "error=unsupported_response_type" in answer.headers["location"]


def test_client_id_in_braces_and_upper_case_is_the_same_app(exact_sandbox: SandboxHandle, app: dict[str, str]) -> None:
    braced = "{" + app["client_id"].upper() + "}"
    with exact_sandbox.client() as browser:
        answer = browser.get("/api/oauth2/auth", params=_params(app, client_id=braced))
    assert answer.status_code == 200 and 'name="password"' in answer.text


def test_html_is_escaped(exact_sandbox: SandboxHandle) -> None:
    with exact_sandbox.client() as browser:
        browser.post("/appcenter/apps", data={"name": "<script>x</script>", "redirect_uri": "https://x.example/cb"})
        listing = browser.get("/appcenter").text
    assert "<script>x</script>" not in listing and "&lt;script&gt;" in listing
