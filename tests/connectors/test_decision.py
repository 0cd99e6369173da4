from datetime import UTC, datetime, timedelta

import pytest

from ledgerlink.connectors.decision import Action, TokenState, backoff, decide

NOW = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)
S = timedelta(seconds=1)
DAY = timedelta(days=1)


def state(expires_in: timedelta | None, **kw) -> TokenState:  # type: ignore[no-untyped-def]
    return TokenState(
        connected=kw.pop("connected", True),
        access_expires_at=None if expires_in is None else NOW + expires_in,
        tokens_issued_at=kw.pop("issued", NOW - 5 * 60 * S),
        **kw,
    )


@pytest.mark.parametrize(
    ("token_state", "keep_alive", "action", "reason", "not_before"),
    [
        (state(600 * S), None, Action.USE, "valid for 600 s", None),
        (state(26 * S), None, Action.USE, "valid for 26 s", None),
        (state(25 * S), None, Action.REFRESH, "last 30 seconds", None),
        (state(1 * S), None, Action.REFRESH, "last 30 seconds", None),
        (state(0 * S), None, Action.REFRESH, "has expired", None),
        (state(-DAY), None, Action.REFRESH, "has expired", None),
        (state(None, connected=False), None, Action.NOT_CONNECTED, "not connected", None),
        (state(600 * S, connected=False), None, Action.NOT_CONNECTED, "not connected", None),
        (state(-S, refresh_claimed_at=NOW - 10 * S), None, Action.WAIT, "another process", NOW + 50 * S),
        (state(-S, refresh_claimed_at=NOW - 61 * S), None, Action.REAUTHORIZE, "refresh interrupted", None),
        (state(600 * S, refresh_claimed_at=NOW - 61 * S), None, Action.REAUTHORIZE, "refresh interrupted", None),
        (state(-S, refresh_not_before=NOW + 30 * S), None, Action.WAIT, "last refresh failed", NOW + 30 * S),
        (state(-S, refresh_not_before=NOW - S), None, Action.REFRESH, "has expired", None),
        (
            state(-S, token_calls_today=190),
            None,
            Action.WAIT,
            "190 token calls today",
            datetime(2026, 5, 5, tzinfo=UTC),
        ),
        (state(-S, token_calls_today=189), None, Action.REFRESH, "has expired", None),
        # keep-alive
        (state(600 * S, issued=NOW - 2 * DAY), DAY, Action.WAIT, "last 30 seconds", NOW + 575 * S),
        (state(-S, issued=NOW - 2 * DAY), DAY, Action.REFRESH, "has expired", None),
        (state(-S, issued=NOW - 2 * 3600 * S), DAY, Action.WAIT, "2 h old", NOW + 22 * 3600 * S),
        (state(20 * S, issued=NOW - 25 * 3600 * S), DAY, Action.REFRESH, "last 30 seconds", None),
    ],
)
def test_decide(token_state, keep_alive, action, reason, not_before) -> None:  # type: ignore[no-untyped-def]
    decision = decide(token_state, NOW, keep_alive_after=keep_alive)
    assert decision.action is action
    assert reason in decision.reason
    assert decision.not_before == not_before


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 1800]
