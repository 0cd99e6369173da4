"""What to do with a connector's tokens right now: one pure function, table-tested.

Exact accepts a refresh only in the access token's last 30 seconds (reference §2.7), rotates the refresh
token on every refresh, and lets an unused refresh token die after 30 days. Our clock and Exact's may
differ by a few seconds, so we refresh only when *our* clock says at most ``window - skew`` is left: if
our clock runs ahead we are then still inside Exact's window, if it runs behind, later inside it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

REFRESH_WINDOW = timedelta(seconds=30)
CLOCK_SKEW = timedelta(seconds=5)
# A refresh claim older than this belongs to a process that died while holding it: longer than the token
# call's timeout plus the time to store the answer.
CLAIM_GRACE = timedelta(seconds=60)


class Action(enum.Enum):
    USE = "use"  # the stored access token is good
    WAIT = "wait"  # nothing to do before ``not_before``
    REFRESH = "refresh"
    REAUTHORIZE = "reauthorize"  # a person must press oAuth again
    NOT_CONNECTED = "not_connected"


@dataclass(frozen=True)
class TokenState:
    connected: bool
    access_expires_at: datetime | None
    tokens_issued_at: datetime | None
    refresh_claimed_at: datetime | None = None
    refresh_not_before: datetime | None = None
    token_calls_today: int = 0
    token_call_limit: int = 190


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    not_before: datetime | None = None


def refresh_opens_at(access_expires_at: datetime) -> datetime:
    return access_expires_at - (REFRESH_WINDOW - CLOCK_SKEW)


def _next_utc_day(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def decide(state: TokenState, now: datetime, *, keep_alive_after: timedelta | None = None) -> Decision:
    """Decide for a caller that needs an access token, or (``keep_alive_after`` given) for the keep-alive.

    The keep-alive refreshes a pair older than ``keep_alive_after`` even when nobody needs a token, so the
    refresh token is never left unused for 30 days; it still waits for Exact's refresh window.
    """
    if not state.connected or state.access_expires_at is None:
        return Decision(Action.NOT_CONNECTED, "the connector is not connected")
    if state.refresh_claimed_at is not None:
        if now - state.refresh_claimed_at > CLAIM_GRACE:
            return Decision(
                Action.REAUTHORIZE,
                "refresh interrupted: a refresh was sent to Exact but its answer was never stored, so the "
                "stored refresh token may already be spent",
            )
        return Decision(
            Action.WAIT, "another process is refreshing the tokens", not_before=state.refresh_claimed_at + CLAIM_GRACE
        )

    opens = refresh_opens_at(state.access_expires_at)
    if keep_alive_after is not None:
        age = now - (state.tokens_issued_at or now)
        if age < keep_alive_after:
            return Decision(
                Action.WAIT,
                f"tokens are {int(age.total_seconds() // 3600)} h old; nothing to keep alive",
                not_before=(state.tokens_issued_at or now) + keep_alive_after,
            )
    elif now < opens:
        left = int((state.access_expires_at - now).total_seconds())
        return Decision(Action.USE, f"access token valid for {left} s more")

    if now < opens:
        return Decision(
            Action.WAIT, "Exact accepts a refresh only in the access token's last 30 seconds", not_before=opens
        )
    if state.refresh_not_before is not None and now < state.refresh_not_before:
        return Decision(
            Action.WAIT, "the last refresh failed; waiting before trying again", not_before=state.refresh_not_before
        )
    if state.token_calls_today >= state.token_call_limit:
        return Decision(
            Action.WAIT,
            f"{state.token_calls_today} token calls today: stopping short of Exact's daily "
            "limit of 200 per app and user",
            not_before=_next_utc_day(now),
        )
    return Decision(
        Action.REFRESH,
        "the access token is in its last 30 seconds"
        if now < state.access_expires_at
        else "the access token has expired",
    )


def backoff(failures: int) -> timedelta:
    """Wait after a failed refresh (network, 5xx): 30 s, 1, 2, 4 … minutes, at most 30 minutes."""
    return min(timedelta(seconds=30) * (2 ** max(failures - 1, 0)), timedelta(minutes=30))
