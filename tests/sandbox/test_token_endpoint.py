"""POST /api/oauth2/token: code exchange, refresh rotation and Exact's error answers, on the sandbox clock."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from exact_sandbox.seed import DEMO_USER, FILIAAL_USER
from exact_sandbox.testing import SandboxHandle

CHAIN_ID = "Token is not allowed, because of invalid or empty chainId"


@pytest.fixture
def app(exact_sandbox: SandboxHandle) -> dict[str, Any]:
    return exact_sandbox.register_app("Tokens")


@pytest.fixture
def http(exact_sandbox: SandboxHandle) -> httpx.Client:
    with exact_sandbox.client() as client:
        yield client


def exchange(http: httpx.Client, app: dict[str, Any], code: str, **override: str) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app["redirect_uri"],
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        **override,
    }
    return http.post("/api/oauth2/token", data=data)


def refresh(http: httpx.Client, app: dict[str, Any], token: str, **override: str) -> httpx.Response:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        **override,
    }
    return http.post("/api/oauth2/token", data=data)


def me(http: httpx.Client, access_token: str) -> httpx.Response:
    return http.get(
        "/api/v1/current/Me", headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    )


def test_code_exchange_answers_exacts_four_fields(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    answer = exchange(http, app, exact_sandbox.authorize(app["client_id"]))
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == "600"
    assert me(http, body["access_token"]).status_code == 200
    assert exact_sandbox.state()["tokens"]["issued"] == 1


def test_client_credentials_in_http_basic_work_too(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    code = exact_sandbox.authorize(app["client_id"])
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    answer = http.post(
        "/api/oauth2/token",
        headers={"Authorization": f"Basic {basic}"},
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": app["redirect_uri"]},
    )
    assert answer.status_code == 200


def test_a_code_is_single_use(exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client) -> None:
    code = exact_sandbox.authorize(app["client_id"])
    assert exchange(http, app, code).status_code == 200
    again = exchange(http, app, code)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": CHAIN_ID}
    assert exact_sandbox.state()["tokens"]["rejected"] == {"code_reused": 1}


def test_a_code_expires_after_three_minutes(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    fresh = exact_sandbox.authorize(app["client_id"])
    stale = exact_sandbox.authorize(app["client_id"])
    exact_sandbox.advance(179)
    assert exchange(http, app, fresh).status_code == 200
    exact_sandbox.advance(1)
    assert exchange(http, app, stale).json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client_and_redirect_uri(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    other = exact_sandbox.register_app("Other")
    code = exact_sandbox.authorize(app["client_id"])
    assert exchange(http, other, code).json()["error"] == "invalid_grant"
    assert exchange(http, app, code, redirect_uri="http://127.0.0.1/elsewhere").json()["error"] == "invalid_grant"
    assert exchange(http, app, code).status_code == 200  # the failed attempts did not spend it


def test_wrong_client_secret_is_invalid_client(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    answer = exchange(http, app, exact_sandbox.authorize(app["client_id"]), client_secret="nope")
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_client"}
    unknown = exchange(http, app, "x", client_id="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 400 and unknown.json() == {"error": "invalid_client"}


def test_unknown_grant_type(app: dict[str, Any], http: httpx.Client) -> None:
    answer = refresh(http, app, "x", grant_type="password")
    assert answer.status_code == 400 and answer.json() == {"error": "unsupported_grant_type"}


def test_refresh_in_the_last_30_seconds_rotates_both_tokens(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    first = exact_sandbox.issue_tokens(app)
    exact_sandbox.advance(570)
    answer = refresh(http, app, first["refresh_token"])
    assert answer.status_code == 200
    second = answer.json()
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    assert second["expires_in"] == "600"
    assert me(http, second["access_token"]).status_code == 200
    assert me(http, first["access_token"]).status_code == 401  # the previous access token is gone at once
    exact_sandbox.advance(600)  # expired access token: refreshing is allowed
    assert refresh(http, app, second["refresh_token"]).status_code == 200
    assert exact_sandbox.state()["tokens"]["refreshed"] == 2


def test_refresh_too_early_is_refused_and_spends_the_refresh_token(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    tokens = exact_sandbox.issue_tokens(app)
    exact_sandbox.advance(569)
    early = refresh(http, app, tokens["refresh_token"])
    assert early.status_code == 401
    assert early.json()["error_description"] == "Access Token not expired"
    assert early.headers["Reason"] == "Access Token not expired"
    assert me(http, tokens["access_token"]).status_code == 200  # the access token lives out its 600 s
    exact_sandbox.advance(31)
    later = refresh(http, app, tokens["refresh_token"])
    assert later.status_code == 401 and later.json()["error"] == "unauthorized_client"
    assert exact_sandbox.state()["tokens"]["rejected"] == {"access_token_not_expired": 1, "old_refresh_token": 1}


def test_old_refresh_token_kills_the_authorization(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    tokens = exact_sandbox.issue_tokens(app)
    exact_sandbox.advance(600)
    winner = refresh(http, app, tokens["refresh_token"]).json()
    loser = refresh(http, app, tokens["refresh_token"])
    assert loser.status_code == 401
    assert loser.json() == {"error": "unauthorized_client", "error_description": "Old refresh token used."}
    assert me(http, winner["access_token"]).status_code == 401
    exact_sandbox.advance(600)
    assert refresh(http, app, winner["refresh_token"]).status_code == 401


def test_refresh_token_unused_for_30_days_expires(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    exact_sandbox.set_clock("2026-03-10T12:00:00+00:00")
    tokens = exact_sandbox.issue_tokens(app)
    exact_sandbox.advance(30 * 86400 - 1)
    still = exact_sandbox.issue_tokens(app)  # another authorization, to show the boundary precisely
    assert refresh(http, app, tokens["refresh_token"]).status_code == 200
    exact_sandbox.advance(30 * 86400 + 5)
    answer = refresh(http, app, still["refresh_token"])
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_request",
        "error_description": "The refresh token expired at 5/9/2026 11:59:59 AM and it is now 5/9/2026 12:00:04 PM.",
    }
    exact_sandbox.advance(60)
    again = refresh(http, app, still["refresh_token"])
    assert again.status_code == 400
    assert again.json()["error_description"].endswith("and it is now 5/9/2026 12:01:04 PM.")
    assert me(http, still["access_token"]).status_code == 401


def test_unknown_refresh_token(app: dict[str, Any], http: httpx.Client) -> None:
    answer = refresh(http, app, "stampNL001.never-issued")
    assert answer.status_code == 400 and answer.json()["error_description"] == CHAIN_ID
    assert refresh(http, app, "").json() == {"error": "invalid_request"}


def test_refresh_token_of_another_app_is_refused(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    tokens = exact_sandbox.issue_tokens(app)
    other = exact_sandbox.register_app("Other")
    exact_sandbox.advance(600)
    assert refresh(http, other, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(http, app, tokens["refresh_token"]).status_code == 200


def test_the_201st_token_call_of_a_day_is_refused(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    for _ in range(200):
        assert exchange(http, app, exact_sandbox.authorize(app["client_id"])).status_code == 200
    refused = exchange(http, app, exact_sandbox.authorize(app["client_id"]))
    assert refused.status_code == 429 and refused.json()["error"] == "invalid_request"
    assert "200" in refused.json()["error_description"]
    # Other users of the same app have their own budget; the next UTC day starts afresh.
    assert exchange(http, app, exact_sandbox.authorize(app["client_id"], FILIAAL_USER)).status_code == 200
    exact_sandbox.advance(86400)
    assert exchange(http, app, exact_sandbox.authorize(app["client_id"], DEMO_USER)).status_code == 200
    state = exact_sandbox.state()["tokens"]
    assert state["rejected"] == {"token_call_limit": 1} and state["issued"] == 202


def test_deleting_the_app_revokes_its_tokens(
    exact_sandbox: SandboxHandle, app: dict[str, Any], http: httpx.Client
) -> None:
    tokens = exact_sandbox.issue_tokens(app)
    assert http.delete(f"/_sandbox/apps/{app['client_id']}").status_code == 204
    assert me(http, tokens["access_token"]).status_code == 401
