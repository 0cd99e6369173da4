"""The token engine: hands out a valid access token for a connector, refreshing it when it must.

Two processes must never spend the same refresh token (Exact rotates it; the old one is dead). The
refresh therefore runs in two steps, each under the connector's row lock (see core/locks.py):

1. *claim*: lock, re-read, decide (decision.py); if a refresh is due, write a claim (id + time) and commit.
2. *refresh*: lock again, check the claim is still ours, call Exact, and store the rotated pair and clear
   the claim in the same transaction. The lock is held during the call, so other processes wait on the
   row and then find the fresh pair.

The committed claim is what makes a crash visible: if the process dies after Exact answered but before the
commit, the claim stays behind, and the next caller (decision.py, after ``CLAIM_GRACE``) sets
**Reauthorization required** with the reason "refresh interrupted" instead of sending a refresh token that
may already be spent. docs/token-engine.md explains the window.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from exactlink import TokenSet
from exactlink.errors import (
    AccessTokenExpired,
    ExactError,
    InvalidClient,
    InvalidGrant,
    OldRefreshTokenUsed,
    RateLimited,
    RefreshTokenExpired,
    RefreshTooEarly,
    ServerError,
    TransportError,
)
from ledgerlink.connectors import budgets, exact, notify
from ledgerlink.connectors.choices import EventKind, Status
from ledgerlink.connectors.decision import Action, Decision, TokenState, backoff, decide, refresh_opens_at
from ledgerlink.connectors.events import record_event
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, crypto
from ledgerlink.core.locks import lock_row

log = logging.getLogger("ledgerlink.connectors.engine")

# How long a caller waits (real time) for another process's refresh before giving up for now.
WAIT_FOR_OTHER_REFRESH = 30.0
POLL = 0.05


class TokenUnavailable(Exception):
    """No access token now; ``reason`` says why and ``retry_at`` when to try again (None: a person must act)."""

    def __init__(self, reason: str, retry_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_at = retry_at


class ReauthorizationRequired(TokenUnavailable):
    pass


class NotConnected(TokenUnavailable):
    pass


def state_of(connector: Connector, now: datetime) -> TokenState:
    return TokenState(
        connected=connector.status == Status.CONNECTED and bool(connector.refresh_token_sealed),
        access_expires_at=connector.access_expires_at,
        tokens_issued_at=connector.tokens_issued_at,
        refresh_claimed_at=connector.refresh_claimed_at if connector.refresh_claim else None,
        refresh_not_before=connector.refresh_not_before,
        token_calls_today=budgets.token_calls_today(connector, now),
        token_call_limit=budgets.token_call_limit(),
    )


def store_tokens(connector: Connector, tokens: TokenSet, now: datetime) -> None:
    """Put a new pair on the (locked) row; the caller saves it in its transaction."""
    connector.access_token_sealed = crypto.seal(tokens.access_token).token
    connector.refresh_token_sealed = crypto.seal(tokens.refresh_token).token
    connector.access_expires_at = tokens.expires_at
    connector.tokens_issued_at = tokens.issued_at
    connector.refresh_claim = ""
    connector.refresh_claimed_at = None
    connector.refresh_failures = 0
    connector.refresh_not_before = None
    connector.last_contact_at = now


def drop_tokens(connector: Connector) -> None:
    """Forget the (locked) row's token pair and any refresh in flight; the caller sets the status."""
    connector.access_token_sealed = ""
    connector.refresh_token_sealed = ""
    connector.access_expires_at = None
    connector.refresh_claim = ""
    connector.refresh_claimed_at = None
    connector.refresh_not_before = None
    connector.refresh_failures = 0


def require_reauthorization(connector: Connector, reason: str, now: datetime, actor: str = "ledgerlink") -> None:
    """Mark the (locked) row **Reauthorization required**, drop the dead tokens, tell the admins on commit."""
    was = connector.status
    drop_tokens(connector)
    connector.status = Status.REAUTH_REQUIRED
    connector.status_reason = reason
    connector.last_error = reason
    connector.last_error_at = now
    connector.save()
    record_event(connector, EventKind.FAILED, f"Reauthorization required: {reason}", actor, now)
    if was != Status.REAUTH_REQUIRED:
        connector_id = connector.pk
        transaction.on_commit(lambda: notify.reauthorization_required(connector_id))


@dataclass(frozen=True)
class _Claim:
    decision: Decision
    claim: str | None = None
    token: str | None = None


def _claim(connector_id: int, keep_alive_after: timedelta | None) -> _Claim:
    now = clock.now()
    with transaction.atomic():
        connector = lock_row(Connector, connector_id)
        decision = decide(state_of(connector, now), now, keep_alive_after=keep_alive_after)
        if decision.action is Action.USE:
            return _Claim(decision, token=crypto.unseal(connector.access_token_sealed))
        if decision.action is Action.REAUTHORIZE:
            require_reauthorization(connector, decision.reason, now)
        elif decision.action is Action.REFRESH:
            claim = uuid.uuid4().hex
            connector.refresh_claim = claim
            connector.refresh_claimed_at = now
            connector.save(update_fields=["refresh_claim", "refresh_claimed_at", "updated_at"])
            budgets.count_token_call(connector, now)
            return _Claim(decision, claim=claim)
        return _Claim(decision)


def _refresh(connector_id: int, claim: str) -> str:
    """Step 2: spend the refresh token and store the rotated pair, all under the row lock."""
    failure: TokenUnavailable | None = None
    with transaction.atomic():
        connector = lock_row(Connector, connector_id)
        now = clock.now()
        if connector.refresh_claim != claim:
            failure = TokenUnavailable("the refresh claim was taken over; try again", now)
        else:
            try:
                tokens = exact.oauth_for(connector).refresh(crypto.unseal(connector.refresh_token_sealed))
            except (OldRefreshTokenUsed, RefreshTokenExpired, InvalidGrant, InvalidClient) as exc:
                reason = f"Exact refused the refresh: {exc}"
                require_reauthorization(connector, reason, clock.now())
                failure = ReauthorizationRequired(reason)
            except RefreshTooEarly as exc:
                # Our clock says the window is open and Exact's says not yet: wait for Exact's view of it.
                connector.refresh_claim = ""
                connector.refresh_claimed_at = None
                opens = refresh_opens_at(connector.access_expires_at or now)
                connector.refresh_not_before = max(opens, now) + timedelta(seconds=10)
                connector.last_error, connector.last_error_at = f"Exact: {exc}", now
                connector.save()
                failure = TokenUnavailable(f"Exact says the refresh is too early: {exc}", connector.refresh_not_before)
            except (TransportError, ServerError, RateLimited, ExactError) as exc:
                connector.refresh_claim = ""
                connector.refresh_claimed_at = None
                connector.refresh_failures += 1
                connector.refresh_not_before = now + backoff(connector.refresh_failures)
                connector.last_error, connector.last_error_at = f"refresh failed: {exc}", now
                connector.save()
                record_event(
                    connector,
                    EventKind.FAILED,
                    f"Refresh failed ({type(exc).__name__}); tokens kept, next try after "
                    f"{connector.refresh_not_before:%H:%M:%S} UTC",
                    "ledgerlink",
                    now,
                )
                failure = TokenUnavailable(f"refresh failed: {exc}", connector.refresh_not_before)
            else:
                store_tokens(connector, tokens, clock.now())
                connector.last_refresh_at = now
                connector.refresh_count += 1
                connector.save()
                record_event(connector, EventKind.REFRESHED, "Tokens refreshed", "ledgerlink", now)
                log.info("connector tokens refreshed", extra={"connector": connector.pk})
                return tokens.access_token
    assert failure is not None
    raise failure


def access_token(connector_id: int) -> str:
    """A valid access token for the connector, refreshing it first when it must be. Raises TokenUnavailable."""
    deadline = time.monotonic() + WAIT_FOR_OTHER_REFRESH
    while True:
        claimed = _claim(connector_id, None)
        action = claimed.decision.action
        if action is Action.USE:
            assert claimed.token is not None
            return claimed.token
        if action is Action.REFRESH:
            assert claimed.claim is not None
            return _refresh(connector_id, claimed.claim)
        if action is Action.REAUTHORIZE:
            raise ReauthorizationRequired(claimed.decision.reason)
        if action is Action.NOT_CONNECTED:
            raise NotConnected(claimed.decision.reason)
        if claimed.decision.reason.startswith("another process") and time.monotonic() < deadline:
            time.sleep(POLL)  # the other process holds the row lock; the next claim waits on it
            continue
        raise TokenUnavailable(claimed.decision.reason, claimed.decision.not_before)


def keep_alive(connector_id: int, older_than: timedelta) -> Decision:
    """Refresh the pair if it is older than ``older_than`` and Exact's window is open; say what was done."""
    claimed = _claim(connector_id, older_than)
    if claimed.decision.action is Action.REFRESH and claimed.claim is not None:
        try:
            _refresh(connector_id, claimed.claim)
        except TokenUnavailable as exc:
            return Decision(Action.WAIT, exc.reason, exc.retry_at)
    return claimed.decision


def access_token_rejected(connector_id: int, token: str) -> None:
    """Exact answered 401 for a token our clock thinks valid: treat it as expired so the next call refreshes."""
    now = clock.now()
    with transaction.atomic():
        connector = lock_row(Connector, connector_id)
        if connector.access_token_sealed and crypto.unseal(connector.access_token_sealed) == token:
            connector.access_expires_at = min(connector.access_expires_at or now, now)
            connector.save(update_fields=["access_expires_at", "updated_at"])


class ConnectorTokens:
    """The exactlink ``TokenProvider`` for one connector, backed by the database."""

    def __init__(self, connector_id: int) -> None:
        self.connector_id = connector_id

    def access_token(self) -> str:
        return access_token(self.connector_id)

    def on_access_token_rejected(self, token: str, error: AccessTokenExpired) -> None:
        access_token_rejected(self.connector_id, token)


def settings_keep_alive_age() -> timedelta:
    return timedelta(hours=settings.LEDGERLINK_KEEPALIVE_HOURS)
