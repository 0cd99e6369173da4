"""Injected faults: status answers, timeouts, dropped connections after commit, latency."""

from __future__ import annotations

import time

import httpx
import pytest

from exact_sandbox.testing import SandboxControlError, SandboxHandle

from .conftest import Connection

GJE = "/api/v1/7001/generaljournalentry/GeneralJournalEntries"
GL = "/api/v1/7001/financial/GLAccounts"


def entry_body(conn: Connection) -> dict[str, object]:
    ids = conn.gl_ids()
    return {
        "JournalCode": "91",
        "GeneralJournalEntryLines": [
            {"GLAccount": ids["1000"], "AmountFC": 7, "Description": "REF-1"},
            {"GLAccount": ids["4900"], "AmountFC": -7, "Description": "REF-1"},
        ],
    }


def test_status_fault_answers_then_goes_away(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    fault = exact_sandbox.add_fault("status", path=r"/financial/GLAccounts$", status=503, count=2)
    assert fault["id"] and fault["count"] == 2
    first, second, third = (conn.get(GL) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert "Injected fault" in first.json()["error"]["message"]["value"]
    assert exact_sandbox.state()["faults"] == []


def test_an_injected_429_is_shaped_like_exacts(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    """Exact's 429: empty body, only the exhausted window's three headers (§4.3), minutely by default."""
    exact_sandbox.add_fault("status", path=r"/financial/GLAccounts$", status=429)
    exact_sandbox.add_fault("status", path=r"/vat/VATCodes$", status=429, window="daily")
    now_ms = int(exact_sandbox.now().timestamp() * 1000)
    minutely = conn.get(GL)
    assert minutely.status_code == 429 and minutely.content == b""
    limits = {k: v for k, v in minutely.headers.items() if k.lower().startswith("x-ratelimit")}
    assert {k.lower() for k in limits} == {
        "x-ratelimit-minutely-limit",
        "x-ratelimit-minutely-remaining",
        "x-ratelimit-minutely-reset",
    }
    assert minutely.headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert minutely.headers["X-RateLimit-Minutely-Limit"] == "60"
    assert 0 < int(minutely.headers["X-RateLimit-Minutely-Reset"]) - now_ms <= 60_000
    daily = conn.get("/api/v1/7001/vat/VATCodes")
    assert daily.status_code == 429 and daily.content == b""
    assert daily.headers["X-RateLimit-Remaining"] == "0" and "X-RateLimit-Minutely-Limit" not in daily.headers
    assert conn.get(GL).status_code == 200  # nothing was counted or blocked by the fault


def test_a_fault_window_must_be_known(exact_sandbox: SandboxHandle) -> None:
    with pytest.raises(SandboxControlError) as refused:
        exact_sandbox.add_fault("status", status=429, window="hourly")
    assert refused.value.status == 400 and "window" in refused.value.body


def test_faults_match_method_and_path(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("status", path="GeneralJournalEntries", method="POST", status=500)
    assert conn.get(GL).status_code == 200
    assert conn.get(GJE, **{"$top": "1"}).status_code == 200
    assert conn.post(GJE, entry_body(conn)).status_code == 500
    assert exact_sandbox.entries(7001) == []
    assert conn.post(GJE, entry_body(conn)).status_code == 201


def test_faults_hit_the_token_endpoint_too(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("status", path="^/api/oauth2/token$", status=503)
    with pytest.raises(Exception, match="503"):
        exact_sandbox.issue_tokens(conn.app)
    assert exact_sandbox.issue_tokens(conn.app)["token_type"] == "bearer"


def test_drop_after_commit_stores_the_entry_but_never_answers(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("drop_after_commit", path="GeneralJournalEntries$", method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        conn.post(GJE, entry_body(conn))
    (stored,) = exact_sandbox.entries(7001)
    found = conn.get(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines",
        **{"$select": "EntryID", "$filter": "Description eq 'REF-1'"},
    ).json()["d"]["results"]
    assert {row["EntryID"] for row in found} == {stored["entry_id"]}


def test_drop_after_commit_on_refresh_rotates_the_token_unseen(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.advance(600)
    exact_sandbox.add_fault("drop_after_commit", path="/api/oauth2/token")
    data = {
        "grant_type": "refresh_token",
        "refresh_token": conn.tokens["refresh_token"],
        "client_id": conn.app["client_id"],
        "client_secret": conn.app["client_secret"],
    }
    with pytest.raises(httpx.RemoteProtocolError):
        conn.http.post("/api/oauth2/token", data=data)
    retry = conn.http.post("/api/oauth2/token", data=data)
    assert retry.status_code == 401 and retry.json()["error_description"] == "Old refresh token used."


def test_timeout_holds_the_request_then_closes_without_doing_the_work(
    exact_sandbox: SandboxHandle, conn: Connection
) -> None:
    exact_sandbox.add_fault("timeout", path="GeneralJournalEntries$", method="POST", delay_ms=400)
    with pytest.raises(httpx.ReadTimeout):
        conn.http.post(GJE, json=entry_body(conn), headers=conn.headers, timeout=0.1)
    assert exact_sandbox.entries(7001) == []  # a timeout fault never does the work
    exact_sandbox.add_fault("timeout", path="GLAccounts", delay_ms=10)
    with pytest.raises(httpx.RemoteProtocolError):
        conn.get(GL)


def test_latency_delays_then_answers(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("latency", path="GLAccounts", delay_ms=150)
    started = time.monotonic()
    assert conn.get(GL).status_code == 200
    assert time.monotonic() - started >= 0.15


def test_clearing_and_validating_faults(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("status", status=500, count=5)
    exact_sandbox.clear_faults()
    assert conn.get(GL).status_code == 200
    with exact_sandbox.client() as http:
        for spec in (
            {"kind": "explode"},
            {"kind": "status", "status": 200},
            {"kind": "status", "path": "("},
            {"kind": "latency", "delay_ms": 60_000},
            {"kind": "status", "count": 0},
            {"kind": "status", "count": "two"},
        ):
            answer = http.post("/_sandbox/faults", json=spec)
            assert answer.status_code == 400 and answer.json()["error"], spec


def test_control_api_is_not_hit_by_faults(exact_sandbox: SandboxHandle) -> None:
    exact_sandbox.add_fault("status", path=".*", status=500, count=3)
    assert exact_sandbox.state()["faults"][0]["count"] == 3


def test_in_process_transport_turns_a_drop_into_a_protocol_error(exact_sandbox_inprocess: SandboxHandle) -> None:
    sandbox = exact_sandbox_inprocess
    app = sandbox.register_app("In process")
    tokens = sandbox.issue_tokens(app)
    sandbox.add_fault("drop_after_commit", path="GLAccounts")
    with sandbox.client() as http:
        headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(GL, headers=headers)
        assert http.get(GL, headers=headers).status_code == 200


def test_status_after_commit_stores_the_entry_then_answers_500(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    before = len(exact_sandbox.entries(7001))
    exact_sandbox.add_fault("status_after_commit", method="POST", path="GeneralJournalEntries$")
    answer = conn.post(GJE, entry_body(conn))
    assert answer.status_code == 500
    assert "Injected fault" in answer.json()["error"]["message"]["value"]
    assert len(exact_sandbox.entries(7001)) == before + 1  # the write happened; only the answer says otherwise


def test_a_status_fault_can_say_exacts_words(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.add_fault("status", method="POST", path="GeneralJournalEntries$", status=500, message="Verplicht: X")
    before = len(exact_sandbox.entries(7001))
    answer = conn.post(GJE, entry_body(conn))
    assert answer.status_code == 500 and answer.json()["error"]["message"]["value"] == "Verplicht: X"
    assert len(exact_sandbox.entries(7001)) == before  # a plain status fault does nothing
