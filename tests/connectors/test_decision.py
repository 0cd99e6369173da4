from datetime import UTC, datetime, timedelta

import pytest

from ledgerlink.connectors.decision import CLAIM_MAX_AGE, Action, TokenState, Why, backoff, decide

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
    ("token_state", "keep_alive", "action", "why", "not_before"),
    [
        (state(600 * S), None, Action.USE, Why.TOKEN_VALID, None),
        (state(26 * S), None, Action.USE, Why.TOKEN_VALID, None),
        (state(25 * S), None, Action.REFRESH, Why.REFRESH_DUE, None),
        (state(1 * S), None, Action.REFRESH, Why.REFRESH_DUE, None),
        (state(0 * S), None, Action.REFRESH, Why.ACCESS_EXPIRED, None),
        (state(-DAY), None, Action.REFRESH, Why.ACCESS_EXPIRED, None),
        (state(None, connected=False), None, Action.NOT_CONNECTED, Why.NOT_CONNECTED, None),
        (state(600 * S, connected=False), None, Action.NOT_CONNECTED, Why.NOT_CONNECTED, None),
        # a refresh claimed by another process: wait for it, unless its process is gone or the claim too old
        (
            state(-S, refresh_claimed_at=NOW - 10 * S),
            None,
            Action.WAIT,
            Why.OTHER_REFRESHING,
            NOW - 10 * S + CLAIM_MAX_AGE,
        ),
        (
            state(-S, refresh_claimed_at=NOW - 61 * S),
            None,
            Action.WAIT,
            Why.OTHER_REFRESHING,
            NOW - 61 * S + CLAIM_MAX_AGE,
        ),
        (state(-S, refresh_claimed_at=NOW - CLAIM_MAX_AGE), None, Action.REFRESH, Why.CLAIM_ABANDONED, None),
        (state(-S, refresh_claimed_at=NOW - S, claimant_gone=True), None, Action.REFRESH, Why.CLAIM_ABANDONED, None),
        (
            state(20 * S, refresh_claimed_at=NOW - S, claimant_gone=True, refresh_not_before=NOW + 30 * S),
            None,
            Action.WAIT,
            Why.REFRESH_BACKOFF,
            NOW + 30 * S,
        ),
        # a 401 before the window: wait for the window, never refresh early; in the window, refresh
        (state(300 * S, access_refused=True), None, Action.WAIT, Why.ACCESS_REFUSED_EARLY, NOW + 275 * S),
        (state(20 * S, access_refused=True), None, Action.REFRESH, Why.REFRESH_DUE, None),
        (state(-S, refresh_not_before=NOW + 30 * S), None, Action.WAIT, Why.REFRESH_BACKOFF, NOW + 30 * S),
        (state(-S, refresh_not_before=NOW - S), None, Action.REFRESH, Why.ACCESS_EXPIRED, None),
        (
            state(-S, token_calls_today=190),
            None,
            Action.WAIT,
            Why.TOKEN_CALLS_SPENT,
            datetime(2026, 5, 5, tzinfo=UTC),
        ),
        (state(-S, token_calls_today=189), None, Action.REFRESH, Why.ACCESS_EXPIRED, None),
        # keep-alive
        (state(600 * S, issued=NOW - 2 * DAY), DAY, Action.WAIT, Why.REFRESH_WINDOW, NOW + 575 * S),
        (state(-S, issued=NOW - 2 * DAY), DAY, Action.REFRESH, Why.ACCESS_EXPIRED, None),
        (state(-S, issued=NOW - 2 * 3600 * S), DAY, Action.WAIT, Why.KEEP_ALIVE_NOT_DUE, NOW + 22 * 3600 * S),
        (state(20 * S, issued=NOW - 25 * 3600 * S), DAY, Action.REFRESH, Why.REFRESH_DUE, None),
    ],
)
def test_decide(token_state, keep_alive, action, why, not_before) -> None:  # type: ignore[no-untyped-def]
    decision = decide(token_state, NOW, keep_alive_after=keep_alive)
    assert decision.action is action
    assert decision.why is why
    assert decision.not_before == not_before
    assert decision.message.code == why.value and decision.message.text()


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 1800]
