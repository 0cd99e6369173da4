"""What to do with a connector's tokens right now: one pure function, table-tested.

Exact accepts a refresh only in the access token's last 30 seconds (reference §2.7), rotates the refresh
token on every refresh, and lets an unused refresh token die after 30 days. Our clock and Exact's may
differ by a few seconds, so we refresh only when *our* clock says at most ``window - skew`` is left: if
our clock runs ahead we are then still inside Exact's window, if it runs behind, later inside it.

A decision is an :class:`Action` and a :class:`Why` (a message code of connectors/messages.py) with its
parameters: callers steer on the two enums, people read the message.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ledgerlink.connectors import messages
from ledgerlink.core.messages import Message

REFRESH_WINDOW = timedelta(seconds=30)
CLOCK_SKEW = timedelta(seconds=5)
ACCESS_LIFETIME = timedelta(seconds=600)
# A refresh claim this old belongs to a process that died while holding it: longer than two token calls
# (a lost answer is asked once more) at their timeout, plus storing the new pair, which is retried through
# database trouble for as long as the new access token lives, plus a margin. A claim whose process is known
# to be gone (core/process.py) is abandoned at once.
TOKEN_CALL_TIMEOUT = timedelta(seconds=15)
CLAIM_MAX_AGE = 2 * TOKEN_CALL_TIMEOUT + ACCESS_LIFETIME + timedelta(seconds=30)


class Action(enum.Enum):
    USE = "use"  # the stored access token is good
    WAIT = "wait"  # nothing to do before ``not_before``
    REFRESH = "refresh"
    REAUTHORIZE = "reauthorize"  # a person must press oAuth again
    NOT_CONNECTED = "not_connected"


class Why(enum.Enum):
    """Why the decision is what it is; the value is the message code that says it in words."""

    NOT_CONNECTED = messages.NOT_CONNECTED
    TOKEN_VALID = messages.TOKEN_VALID
    OTHER_REFRESHING = messages.OTHER_REFRESHING
    CLAIM_ABANDONED = messages.CLAIM_ABANDONED
    ACCESS_REFUSED_EARLY = messages.ACCESS_REFUSED_EARLY
    KEEP_ALIVE_NOT_DUE = messages.KEEP_ALIVE_NOT_DUE
    REFRESH_WINDOW = messages.REFRESH_WINDOW
    REFRESH_BACKOFF = messages.REFRESH_BACKOFF
    TOKEN_CALLS_SPENT = messages.TOKEN_CALLS_SPENT
    REFRESH_DUE = messages.REFRESH_DUE
    ACCESS_EXPIRED = messages.ACCESS_EXPIRED


@dataclass(frozen=True)
class TokenState:
    connected: bool
    access_expires_at: datetime | None
    tokens_issued_at: datetime | None
    refresh_claimed_at: datetime | None = None
    claimant_gone: bool = False  # the claiming process is known to be dead
    access_refused: bool = False  # Exact answered 401 for the stored access token before its window
    refresh_not_before: datetime | None = None
    token_calls_today: int = 0
    token_call_limit: int = 190


@dataclass(frozen=True)
class Decision:
    action: Action
    why: Why
    not_before: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> Message:
        return Message(self.why.value, self.params)


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
        return Decision(Action.NOT_CONNECTED, Why.NOT_CONNECTED)
    abandoned = False
    if state.refresh_claimed_at is not None:
        abandoned = state.claimant_gone or now - state.refresh_claimed_at >= CLAIM_MAX_AGE
        if not abandoned:
            return Decision(Action.WAIT, Why.OTHER_REFRESHING, not_before=state.refresh_claimed_at + CLAIM_MAX_AGE)

    # An abandoned claim: the process that claimed the refresh died, maybe after Exact rotated the pair, and
    # its answer is lost. The stored refresh token is tried once (Exact may not have rotated, or may still
    # honour it) in the refresh window like any refresh, before a person is asked.
    opens = refresh_opens_at(state.access_expires_at)
    if abandoned:
        pass
    elif state.access_refused and now < opens:
        # Exact refused a token it should still accept. Refreshing now would be refused as too early (and
        # may spend the refresh token): the journals wait, visibly, for the window.
        return Decision(Action.WAIT, Why.ACCESS_REFUSED_EARLY, not_before=opens, params={"at": opens})
    elif keep_alive_after is not None:
        age = now - (state.tokens_issued_at or now)
        if age < keep_alive_after:
            return Decision(
                Action.WAIT,
                Why.KEEP_ALIVE_NOT_DUE,
                not_before=(state.tokens_issued_at or now) + keep_alive_after,
                params={"hours": int(age.total_seconds() // 3600)},
            )
    elif now < opens:
        left = int((state.access_expires_at - now).total_seconds())
        return Decision(Action.USE, Why.TOKEN_VALID, params={"seconds": left})

    if now < opens:
        return Decision(Action.WAIT, Why.REFRESH_WINDOW, not_before=opens, params={"at": opens})
    if state.refresh_not_before is not None and now < state.refresh_not_before:
        return Decision(
            Action.WAIT,
            Why.REFRESH_BACKOFF,
            not_before=state.refresh_not_before,
            params={"at": state.refresh_not_before},
        )
    if state.token_calls_today >= state.token_call_limit:
        return Decision(
            Action.WAIT,
            Why.TOKEN_CALLS_SPENT,
            not_before=_next_utc_day(now),
            params={"count": state.token_calls_today},
        )
    if abandoned:
        return Decision(Action.REFRESH, Why.CLAIM_ABANDONED)
    return Decision(Action.REFRESH, Why.REFRESH_DUE if now < state.access_expires_at else Why.ACCESS_EXPIRED)


def backoff(failures: int) -> timedelta:
    """Wait after a failed refresh (network, 5xx): 30 s, 1, 2, 4 … minutes, at most 30 minutes."""
    wait: timedelta = timedelta(seconds=30) * (2 ** max(failures - 1, 0))
    return min(wait, timedelta(minutes=30))
