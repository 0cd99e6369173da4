"""The /_sandbox/ control API: reset, state, clock, limits, periods, apps, authorize, entries."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from exact_sandbox.seed import DEMO_USER
from exact_sandbox.testing import SandboxControlError, SandboxHandle

from .conftest import Connection


@pytest.fixture
def http(exact_sandbox: SandboxHandle) -> httpx.Client:
    with exact_sandbox.client() as client:
        yield client


def test_reset_restores_the_seed_the_clock_and_forgets_everything(
    exact_sandbox: SandboxHandle, conn: Connection
) -> None:
    start = exact_sandbox.now()
    ids = conn.gl_ids()
    conn.post(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntries",
        {
            "JournalCode": "91",
            "GeneralJournalEntryLines": [
                {"GLAccount": ids["1000"], "AmountFC": 1},
                {"GLAccount": ids["4900"], "AmountFC": -1},
            ],
        },
    )
    exact_sandbox.close_period(7001, start.year, 1)
    exact_sandbox.set_limits(minutely=5)
    exact_sandbox.add_fault("status", status=500)
    exact_sandbox.advance(3600)
    exact_sandbox.reset()
    state = exact_sandbox.state()
    assert state["apps"] == [] and state["faults"] == [] and state["rate_limits"] == []
    assert state["divisions"][0]["entries"] == {"general": 0, "sales": 0, "purchase": 0}
    assert state["divisions"][0]["closed_periods"] == []
    assert state["limits"]["minutely"] == 60 and exact_sandbox.now() == start
    assert state["tokens"] == {
        "issued": 0,
        "refreshed": 0,
        "replayed": 0,
        "rejected": {},
        "active_authorizations": 0,
        "calls_today": [],
    }
    assert conn.get("/api/v1/current/Me").status_code == 401  # tokens are gone
    exact_sandbox.reset(clock="2027-01-02T03:04:05Z")
    assert exact_sandbox.now() == datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_state_is_side_effect_free_and_complete(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    conn.get("/api/v1/7001/financial/GLAccounts")
    first = exact_sandbox.state()
    assert first == exact_sandbox.state()
    assert {
        "now",
        "clock_mode",
        "limits",
        "apps",
        "users",
        "divisions",
        "tokens",
        "rate_limits",
        "error_budget",
        "faults",
    } <= set(first)
    assert first["clock_mode"] == "frozen"
    assert {u["username"]: u["divisions"] for u in first["users"]} == {
        "demo@exact.example": [7001, 7002],
        "filiaal@exact.example": [7002],
    }
    assert [(d["code"], d["description"]) for d in first["divisions"]] == [
        (7001, "Demo Retail BV"),
        (7002, "Demo Retail Filiaal"),
    ]
    assert first["apps"][0]["client_id"] == conn.app["client_id"] and "client_secret" not in first["apps"][0]
    assert first["tokens"]["calls_today"] == [{"client_id": conn.app["client_id"], "user": DEMO_USER, "calls": 1}]


def test_clock_moves_and_refuses_nonsense(exact_sandbox: SandboxHandle, http: httpx.Client) -> None:
    start = exact_sandbox.now()
    assert (exact_sandbox.advance(90.5) - start).total_seconds() == 90.5
    assert exact_sandbox.set_clock("2026-07-01T12:00:00") == datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert exact_sandbox.set_clock(datetime(2026, 7, 1, 14, tzinfo=UTC)).hour == 14
    for body in ({"advance": -1}, {"advance": "soon"}, {"set": "tomorrow"}, {}, {"mode": "sideways"}):
        assert http.post("/_sandbox/clock", json=body).status_code == 400, body
    assert http.post("/_sandbox/clock", json={"mode": "running"}).json()["mode"] == "running"
    assert http.get("/_sandbox/clock").json()["mode"] == "running"


def test_limits_validate(exact_sandbox: SandboxHandle, http: httpx.Client) -> None:
    assert http.post("/_sandbox/limits", json={"minutely": -1}).status_code == 400
    assert http.post("/_sandbox/limits", json={"hourly": 5}).status_code == 400
    assert http.get("/_sandbox/limits").json() == {
        "minutely": 60,
        "daily": 5000,
        "token_calls_per_day": 200,
        "errors_per_hour": 10,
    }


def test_period_close_validates(exact_sandbox: SandboxHandle, http: httpx.Client) -> None:
    assert http.post("/_sandbox/periods/close", json={"division": 7001, "year": 1990, "period": 1}).status_code == 404
    assert http.post("/_sandbox/periods/close", json={"division": 7001}).status_code == 400
    with pytest.raises(SandboxControlError):
        exact_sandbox.close_period(1234, exact_sandbox.now().year, 1)


def test_apps_and_authorize(exact_sandbox: SandboxHandle, http: httpx.Client) -> None:
    refused = http.post("/_sandbox/apps", json={"name": "x", "redirect_uri": "http://example.com/cb"})
    assert refused.status_code == 400 and "https" in refused.json()["error"]
    app = exact_sandbox.register_app("Control", "https://demo.example/oauth.ashx?provider=3")
    assert {"client_id", "client_secret", "webhook_secret", "name", "redirect_uri"} <= set(app)
    assert [a["name"] for a in http.get("/_sandbox/apps").json()["apps"]] == ["Control"]
    # Unlike the App Center page, the control API accepts a name again (a demo re-registering).
    again = exact_sandbox.register_app("Control", "https://demo.example/oauth.ashx?provider=3")
    assert again["client_id"] != app["client_id"]
    assert http.delete(f"/_sandbox/apps/{again['client_id']}").status_code == 204
    answer = http.post(
        "/_sandbox/authorize", json={"client_id": app["client_id"], "user": DEMO_USER, "state": "abc"}
    ).json()
    assert answer["redirect_url"].startswith("https://demo.example/oauth.ashx?provider=3&code=")
    assert answer["redirect_url"].endswith("&state=abc") and "!" in answer["code"]
    wrong = http.post(
        "/_sandbox/authorize",
        json={"client_id": app["client_id"], "user": DEMO_USER, "redirect_uri": "https://demo.example/other"},
    )
    assert wrong.status_code == 400 and "is not valid" in wrong.json()["error"]
    assert http.post("/_sandbox/authorize", json={"client_id": app["client_id"], "user": "nobody"}).status_code == 400
    assert http.delete(f"/_sandbox/apps/{app['client_id']}").status_code == 204
    assert http.delete(f"/_sandbox/apps/{app['client_id']}").status_code == 404


def test_unknown_routes_and_methods(http: httpx.Client) -> None:
    assert http.get("/_sandbox/nothing").status_code == 404
    assert http.get("/_sandbox/reset").status_code == 405
    assert http.get("/_sandbox/entries/4242").status_code == 404
    assert http.post("/_sandbox/limits", content="{", headers={"Content-Type": "application/json"}).status_code == 400
