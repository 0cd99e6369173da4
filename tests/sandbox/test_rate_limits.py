"""Rate limits per app and division, their headers, the 429, and the hourly error budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exact_sandbox.testing import SandboxHandle

from .conftest import Connection, connect

HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Minutely-Limit",
    "X-RateLimit-Minutely-Remaining",
    "X-RateLimit-Minutely-Reset",
)
GL = "/api/v1/7001/financial/GLAccounts"


def epoch_ms(when: datetime) -> str:
    return str(int(when.timestamp() * 1000))


def test_every_answer_carries_six_headers_in_epoch_milliseconds(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_clock("2026-05-13T08:18:25+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    first = conn.get(GL)
    assert all(name in first.headers for name in HEADERS)
    assert first.headers["X-RateLimit-Limit"] == "5000" and first.headers["X-RateLimit-Remaining"] == "4999"
    assert first.headers["X-RateLimit-Minutely-Limit"] == "60"
    assert first.headers["X-RateLimit-Minutely-Remaining"] == "59"
    assert first.headers["X-RateLimit-Minutely-Reset"] == epoch_ms(datetime(2026, 5, 13, 8, 19, tzinfo=UTC))
    assert first.headers["X-RateLimit-Reset"] == epoch_ms(datetime(2026, 5, 14, tzinfo=UTC))
    # Errors carry them too, and count.
    error = conn.get(GL, **{"$filter": "Code eq"})
    assert error.status_code == 400 and error.headers["X-RateLimit-Minutely-Remaining"] == "58"


def test_the_61st_call_in_a_clock_minute_is_429_with_only_minutely_headers(
    exact_sandbox: SandboxHandle, conn: Connection
) -> None:
    exact_sandbox.set_clock("2026-05-13T08:18:00+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    for n in range(60):
        assert conn.get(GL, **{"$top": "1"}).status_code == 200, n
    refused = conn.get(GL)
    assert refused.status_code == 429 and refused.content == b""
    assert {k for k in refused.headers if k.lower().startswith("x-ratelimit")} == {
        "x-ratelimit-minutely-limit",
        "x-ratelimit-minutely-remaining",
        "x-ratelimit-minutely-reset",
    }
    assert refused.headers["X-RateLimit-Minutely-Remaining"] == "0"
    # Other divisions and other apps have their own budget; the next clock minute starts afresh.
    assert conn.get("/api/v1/7002/financial/GLAccounts").status_code == 200
    assert connect(exact_sandbox, name="Second app").get(GL).status_code == 200
    exact_sandbox.advance(59)
    assert conn.get(GL).status_code == 429
    exact_sandbox.advance(1)
    answer = conn.get(GL)
    assert answer.status_code == 200 and answer.headers["X-RateLimit-Minutely-Remaining"] == "59"
    assert answer.headers["X-RateLimit-Remaining"] == str(5000 - 61)  # refusals are not counted


def test_the_daily_limit_answers_429_with_only_daily_headers(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_clock("2026-05-13T23:58:00+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    exact_sandbox.set_limits(daily=3)
    for _ in range(3):
        assert conn.get(GL).status_code == 200
    refused = conn.get(GL)
    assert refused.status_code == 429 and refused.content == b""
    assert {k for k in refused.headers if k.lower().startswith("x-ratelimit")} == {
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    }
    assert refused.headers["X-RateLimit-Reset"] == epoch_ms(datetime(2026, 5, 14, tzinfo=UTC))
    exact_sandbox.advance(120)  # past 00:00 UTC
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    assert conn.get(GL).status_code == 200


def test_limits_can_be_raised_for_benchmarks(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    assert exact_sandbox.set_limits(minutely=100000, daily=1000000)["minutely"] == 100000
    for _ in range(70):
        assert conn.get(GL, **{"$top": "1"}).status_code == 200
    assert conn.get(GL).headers["X-RateLimit-Minutely-Limit"] == "100000"


def test_control_api_is_never_counted(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_limits(minutely=2)
    conn.get(GL)
    for _ in range(10):
        exact_sandbox.state()
        exact_sandbox.entries(7001)
    assert conn.get(GL).headers["X-RateLimit-Minutely-Remaining"] == "0"
    (usage,) = exact_sandbox.state()["rate_limits"]
    assert usage["minutely_used"] == 2 and usage["division"] == 7001


def test_more_than_ten_errors_an_hour_block_the_endpoint(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_clock("2026-05-13T08:10:00+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    gje = "/api/v1/7001/generaljournalentry/GeneralJournalEntries"
    for _ in range(11):  # GET without $select: 400 each time
        assert conn.get(gje).status_code == 400
    blocked = conn.get(gje, **{"$select": "EntryID"})
    assert blocked.status_code == 403
    text = blocked.json()["error"]["message"]["value"]
    assert "blocked" in text and "2026-05-13T09:00:00+00:00" in text
    assert "X-RateLimit-Minutely-Remaining" in blocked.headers
    # Other endpoints, divisions and apps are not blocked.
    assert conn.get(GL).status_code == 200
    assert conn.get("/api/v1/7002/generaljournalentry/GeneralJournalEntries", **{"$top": "1"}).status_code == 200
    assert connect(exact_sandbox, name="Other app").get(gje, **{"$top": "1"}).status_code == 200
    (row,) = [r for r in exact_sandbox.state()["error_budget"] if r["blocked_until"]]
    assert row["errors_this_hour"] == 11 and row["endpoint"] == "generaljournalentry/GeneralJournalEntries"
    exact_sandbox.advance(50 * 60)  # 09:00: a new hour
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    assert conn.get(gje, **{"$select": "EntryID"}).status_code == 200


def test_ten_errors_do_not_block(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_clock("2026-05-13T08:10:00+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    for _ in range(10):
        assert conn.get(f"{GL}(guid'00000000-0000-0000-0000-000000000001')").status_code == 404
    assert conn.get(GL).status_code == 200
    exact_sandbox.advance(timedelta(minutes=5).total_seconds())
    assert conn.get(GL, **{"$filter": "bad"}).status_code == 400  # the 11th error is answered normally
    assert conn.get(GL).status_code == 403


def test_expired_token_401s_count_in_the_budget(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_clock("2026-05-13T08:00:00+00:00")
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    exact_sandbox.advance(600)
    for _ in range(11):
        assert conn.get(GL).status_code == 401
    conn.tokens = exact_sandbox.issue_tokens(conn.app)
    assert conn.get(GL).status_code == 403
