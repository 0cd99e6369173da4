"""The token engine: hands out a valid access token for a connector, refreshing it when it must.

Two processes must never spend the same refresh token (Exact rotates it; the old one is dead). A refresh
therefore runs in three steps (docs/token-engine.md walks through every window):

1. *claim*: under the connector's row lock (core/locks.py) re-read, decide (decision.py) and, if a refresh
   is due, write a claim (id, time, this process) and commit. Others now wait for the claim.
2. *call*: spend the refresh token at Exact, outside any transaction (no database connection is held open
   across the call; on SQLite that would stop every writer). An answer lost on the way (the call may have
   been carried out) is asked for once more with the same refresh token: if Exact did not rotate, or
   honours the previous token until the new pair is used, the chain lives.
3. *store*: under the row lock again, if the claim is still ours, store the rotated pair and clear the
   claim. Until then the pair exists only in this process's memory, so a failing commit (connection lost,
   deadlock, restart) is retried on a fresh connection for as long as the new access token lives.

A claim left behind by a process that died (known dead on this machine, or older than any live refresh can
take) is abandoned: the next caller tries the stored refresh token once, and only when Exact refuses it is
the connector marked **Reauthorization required**.

A 401 for a token our clock thinks valid never makes the engine refresh outside Exact's window (Exact
would refuse it as too early and may count the refresh token as spent): the stored pair is re-read (another
process may have refreshed), and otherwise the journals wait for the window, and the 401 is counted.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from exactlink import TokenSet
from exactlink.errors import (
    AccessTokenExpired,
    ExactError,
    InvalidClient,
    InvalidGrant,
    OldRefreshTokenUsed,
    RefreshTokenExpired,
    RefreshTooEarly,
)
from ledgerlink.connectors import budgets, exact, messages, notify
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.decision import (
    Action,
    Decision,
    TokenState,
    Why,
    backoff,
    decide,
    refresh_opens_at,
)
from ledgerlink.connectors.events import announce, record_event
from ledgerlink.connectors.lock_objects import lock_connector
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, crypto, process
from ledgerlink.core.messages import Message
from ledgerlink.core.rows import Values, param
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.webhooks.choices import EventType

log = logging.getLogger("ledgerlink.connectors.engine")

# How long a caller waits (real time) at most for another process's refresh before giving up for now; a
# caller with a shorter round (a worker) passes its own, shorter wait.
WAIT_FOR_OTHER_REFRESH = 30.0
POLL = 0.05
DATABASE_RETRY_AFTER = timedelta(seconds=30)
REFUSED = (OldRefreshTokenUsed, RefreshTokenExpired, InvalidGrant, InvalidClient)


class TokenUnavailable(Exception):
    """No access token now; ``message`` says why and ``retry_at`` when to try again (None: a person must act)."""

    def __init__(self, message: Message, retry_at: datetime | None = None) -> None:
        super().__init__(message.code)
        self.message = message
        self.retry_at = retry_at

    @property
    def reason(self) -> str:
        return self.message.text()

    def __str__(self) -> str:
        return self.reason


class ReauthorizationRequired(TokenUnavailable):
    pass


class NotConnected(TokenUnavailable):
    pass


def state_of(connector: Connector, now: datetime) -> TokenState:
    claimant = connector.refresh_claimed_by
    return TokenState(
        connected=connector.status == Status.CONNECTED and bool(connector.refresh_token_sealed),
        access_expires_at=connector.access_expires_at,
        tokens_issued_at=connector.tokens_issued_at,
        refresh_claimed_at=connector.refresh_claimed_at if connector.refresh_claim else None,
        claimant_gone=bool(connector.refresh_claim) and bool(claimant) and process.alive(claimant) is False,
        access_refused=connector.access_refused_at is not None,
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
    connector.access_refused_at = None
    _clear_claim(connector)
    connector.refresh_failures = 0
    connector.refresh_not_before = None
    connector.last_contact_at = now


def _clear_claim(connector: Connector) -> None:
    connector.refresh_claim = ""
    connector.refresh_claimed_at = None
    connector.refresh_claimed_by = ""


def drop_tokens(connector: Connector) -> None:
    """Forget the (locked) row's token pair and any refresh in flight; the caller sets the status."""
    connector.access_token_sealed = ""
    connector.refresh_token_sealed = ""
    connector.access_expires_at = None
    connector.access_refused_at = None
    _clear_claim(connector)
    connector.refresh_not_before = None
    connector.refresh_failures = 0


def require_reauthorization(connector: Connector, reason: Message, now: datetime, actor: Actor | None = None) -> None:
    """Mark the (locked) row **Reauthorization required**, drop the dead tokens, tell the admins on commit."""
    was = connector.status
    drop_tokens(connector)
    connector.status = Status.REAUTH_REQUIRED
    connector.status_reason = reason
    connector.last_error = reason
    connector.last_error_at = now
    connector.save()
    record_event(actor or Actor.system(), connector, AuditAction.CONNECTOR_REAUTHORIZATION_REQUIRED, reason)
    if was != Status.REAUTH_REQUIRED:
        announce(connector, EventType.CONNECTOR_REAUTHORIZATION_REQUIRED, reason)
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
        connector = lock_connector(connector_id)
        decision = decide(state_of(connector, now), now, keep_alive_after=keep_alive_after)
        if decision.action is Action.USE:
            return _Claim(decision, token=crypto.unseal(connector.access_token_sealed))
        if decision.action is Action.REFRESH:
            if decision.why is Why.CLAIM_ABANDONED:
                log.warning(
                    "refresh claim abandoned by its process; trying the stored refresh token once",
                    extra={"connector": connector_id, "claimed_by": connector.refresh_claimed_by},
                )
            claim = uuid.uuid4().hex
            connector.refresh_claim = claim
            connector.refresh_claimed_at = now
            connector.refresh_claimed_by = process.identity()
            connector.save(update_fields=["refresh_claim", "refresh_claimed_at", "refresh_claimed_by", "updated_at"])
            budgets.count_token_call(connector, now)
            return _Claim(decision, claim=claim)
        return _Claim(decision)


def _fresh_connection() -> None:
    """Drop a connection that failed, so the next query opens a new one (never inside a caller's transaction)."""
    if not connection.in_atomic_block:
        connection.close()


def _database_unavailable(exc: DatabaseError) -> TokenUnavailable:
    now = clock.now()
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return TokenUnavailable(
        Message.of(messages.DATABASE_UNAVAILABLE, error=first_line[:200], at=now + DATABASE_RETRY_AFTER),
        now + DATABASE_RETRY_AFTER,
    )


def _call_exact(connector: Connector) -> TokenSet:
    """Spend the stored refresh token; a lost answer is asked for once more with the same token."""
    oauth = exact.oauth_for(connector)
    refresh_token = crypto.unseal(connector.refresh_token_sealed)
    try:
        try:
            return oauth.refresh(refresh_token)
        except ExactError as exc:
            if not exc.outcome_unknown:
                raise
            log.warning(
                "the token endpoint's answer was lost; asking once more with the same refresh token",
                extra={"connector": connector.pk, "error": type(exc).__name__},
            )
        budgets.count_token_call(connector, clock.now())
        return oauth.refresh(refresh_token)
    finally:
        oauth.close()


def _store_refreshed(connector_id: int, claim: str, tokens: TokenSet) -> bool:
    """Store the new pair if the claim is still ours, retrying through database trouble while it lives."""
    delay = 0.05
    attempt = 0
    while True:
        attempt += 1
        try:
            with transaction.atomic():
                connector = lock_connector(connector_id)
                if connector.refresh_claim != claim:
                    log.error(
                        "refresh claim taken over while storing; the new pair is discarded",
                        extra={"connector": connector_id},
                    )
                    return False
                now = clock.now()
                store_tokens(connector, tokens, now)
                connector.last_refresh_at = now
                connector.refresh_count += 1
                connector.save()
                record_event(Actor.system(), connector, AuditAction.CONNECTOR_REFRESHED, Message.of(messages.REFRESHED))
            if attempt > 1:
                log.error("new token pair stored after %d attempts", attempt, extra={"connector": connector_id})
            return True
        except DatabaseError as exc:
            # Exact has rotated the pair: this process holds the only copy of the new one. Say so loudly.
            log.error(
                "could not store the new token pair (attempt %d): %s; retrying on a fresh connection",
                attempt,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                extra={"connector": connector_id},
            )
            if connection.in_atomic_block or clock.now() >= tokens.expires_at:
                raise
            _fresh_connection()
            time.sleep(delay)  # real time: waiting for the database to come back
            delay = min(delay * 2, 2.0)


def _record_failure(connector_id: int, claim: str, why: Why, exc: ExactError) -> TokenUnavailable:
    """Release our claim after Exact refused or failed the refresh; say what the caller should do."""
    with transaction.atomic():
        connector = lock_connector(connector_id)
        now = clock.now()
        if connector.refresh_claim != claim:
            return TokenUnavailable(Message.of(messages.TAKEN_OVER), now)
        if isinstance(exc, REFUSED):
            if why is Why.CLAIM_ABANDONED:
                reason = Message.of(messages.REFRESH_INTERRUPTED, exact=str(exc))
            elif isinstance(exc, InvalidClient):
                reason = Message.of(messages.REFRESH_CLIENT_REFUSED, exact=str(exc))
            elif isinstance(exc, RefreshTokenExpired):
                reason = Message.of(messages.REFRESH_EXPIRED, exact=str(exc))
            else:
                reason = Message.of(messages.REFRESH_REFUSED, exact=str(exc))
            require_reauthorization(connector, reason, now)
            return ReauthorizationRequired(reason)
        _clear_claim(connector)
        if isinstance(exc, RefreshTooEarly):
            # Our clock says the window is open and Exact's says not yet: wait for Exact's view of it.
            opens = refresh_opens_at(connector.access_expires_at or now)
            connector.refresh_not_before = max(opens, now) + timedelta(seconds=10)
            message = Message.of(messages.REFRESH_TOO_EARLY, exact=str(exc), at=connector.refresh_not_before)
        else:
            connector.refresh_failures += 1
            connector.refresh_not_before = now + backoff(connector.refresh_failures)
            message = Message.of(messages.REFRESH_FAILED, error=type(exc).__name__, at=connector.refresh_not_before)
            record_event(Actor.system(), connector, AuditAction.CONNECTOR_FAILED, message)
            if connector.refresh_failures == 1:  # the first of a row: said once, not at every retry
                announce(
                    connector,
                    EventType.CONNECTOR_KEEPALIVE_FAILING,
                    message,
                    tokens_issued_at=connector.tokens_issued_at,
                    next_attempt_at=connector.refresh_not_before,
                )
        connector.last_error, connector.last_error_at = message, now
        connector.save()
        return TokenUnavailable(message, connector.refresh_not_before)


def _refresh(connector_id: int, claim: str, why: Why) -> str:
    """Steps 2 and 3: spend the refresh token at Exact, then store the rotated pair if the claim is ours."""
    connector = Connector.objects.get(pk=connector_id)
    if connector.refresh_claim != claim:
        raise TokenUnavailable(Message.of(messages.TAKEN_OVER), clock.now())
    try:
        tokens = _call_exact(connector)
    except ExactError as exc:
        raise _record_failure(connector_id, claim, why, exc) from None
    if not _store_refreshed(connector_id, claim, tokens):
        raise TokenUnavailable(Message.of(messages.TAKEN_OVER), clock.now())
    log.info("connector tokens refreshed", extra={"connector": connector_id})
    return tokens.access_token


def _stored_token(connector_id: int) -> str | None:
    """The stored access token when it can be used as it is, read without a lock or a transaction."""
    found = _usable_token(connector_id)
    return found[0] if found is not None else None


# Read by every sender every few seconds (ConnectorTokens' reuse): compiled once (core/rows.py).
_TOKEN = Values(
    lambda pk: (
        Connector.objects.filter(pk=pk)
        .order_by()
        .values_list("status", "access_token_sealed", "access_expires_at", "refresh_claim", "access_refused_at")[:1]
    ),
    param("pk", 907_001_001),
)


def _usable_token(connector_id: int) -> tuple[str, datetime] | None:
    """The stored access token when it can be used as it is, and when its refresh window opens."""
    rows = _TOKEN.rows(pk=connector_id)
    if not rows:
        return None
    status, sealed, expires_at, refresh_claim, refused_at = rows[0]
    if (
        status != Status.CONNECTED
        or not sealed
        or expires_at is None
        or refresh_claim
        or refused_at is not None
        or clock.now() >= refresh_opens_at(expires_at)
    ):
        return None
    return crypto.unseal(sealed), refresh_opens_at(expires_at)


def access_token(connector_id: int, *, wait: float = WAIT_FOR_OTHER_REFRESH) -> str:
    """A valid access token for the connector, refreshing it first when it must be. Raises TokenUnavailable.

    ``wait`` is the longest this call waits for another process's refresh (real time).
    """
    try:
        token = _stored_token(connector_id)
        if token is not None:
            return token
        deadline = time.monotonic() + wait
        while True:
            claimed = _claim(connector_id, None)
            decision = claimed.decision
            if decision.action is Action.USE:
                assert claimed.token is not None
                return claimed.token
            if decision.action is Action.REFRESH:
                assert claimed.claim is not None
                return _refresh(connector_id, claimed.claim, decision.why)
            if decision.action is Action.REAUTHORIZE:
                raise ReauthorizationRequired(decision.message)
            if decision.action is Action.NOT_CONNECTED:
                raise NotConnected(decision.message)
            if decision.why is Why.OTHER_REFRESHING and time.monotonic() + POLL < deadline:
                time.sleep(POLL)  # real time: another process is talking to Exact for this connector
                continue
            if decision.why is Why.OTHER_REFRESHING:
                raise TokenUnavailable(decision.message, clock.now() + timedelta(seconds=5))
            raise TokenUnavailable(decision.message, decision.not_before)
    except DatabaseError as exc:
        log.warning("database error around a token refresh", extra={"connector": connector_id}, exc_info=False)
        _fresh_connection()
        raise _database_unavailable(exc) from None


class KeepAlive(enum.Enum):
    """What the keep-alive did for one connector."""

    REFRESHED = "refreshed"
    WAITING = "waiting"
    REAUTHORIZE = "reauthorize"


def keep_alive(connector_id: int, older_than: timedelta) -> KeepAlive:
    """Refresh the pair if it is older than ``older_than`` and Exact's window is open; say what was done."""
    claimed = _claim(connector_id, older_than)
    decision = claimed.decision
    if decision.action is Action.REFRESH and claimed.claim is not None:
        try:
            _refresh(connector_id, claimed.claim, decision.why)
        except ReauthorizationRequired:
            return KeepAlive.REAUTHORIZE
        except TokenUnavailable:
            return KeepAlive.WAITING
        return KeepAlive.REFRESHED
    if decision.action in (Action.REAUTHORIZE, Action.NOT_CONNECTED):
        return KeepAlive.REAUTHORIZE
    return KeepAlive.WAITING


def access_token_rejected(connector_id: int, token: str) -> None:
    """Exact answered 401 for ``token``.

    If another process stored a newer pair meanwhile, nothing is to be done: the next ``access_token()``
    returns it. If the token is the stored one and Exact's refresh window has not opened yet, the token is
    marked refused (the journals wait for the window) and the 401 is counted; never refreshed early.
    """
    now = clock.now()
    with transaction.atomic():
        connector = lock_connector(connector_id)
        if not connector.access_token_sealed or crypto.unseal(connector.access_token_sealed) != token:
            return
        opens = refresh_opens_at(connector.access_expires_at or now)
        if now >= opens:
            return  # inside the window: an ordinary expiry, and the next access_token() refreshes
        connector.early_rejections += 1
        if connector.access_refused_at is None:
            connector.access_refused_at = now
            connector.last_error = Message.of(messages.ACCESS_REFUSED_EARLY, at=opens)
            connector.last_error_at = now
            log.warning("Exact refused an access token before its refresh window", extra={"connector": connector_id})
        connector.save(
            update_fields=["early_rejections", "access_refused_at", "last_error", "last_error_at", "updated_at"]
        )


class ConnectorTokens:
    """The exactlink ``TokenProvider`` for one connector, backed by the database.

    ``wait`` bounds how long one call waits for another process's refresh (real time). ``reuse`` is how long
    a token read from the database is used again without reading it (a worker's sender posting a batch):
    never past its refresh window, the only time another process can replace it (Exact refuses earlier
    refreshes), and never after Exact answered 401 for it.
    """

    def __init__(
        self, connector_id: int, *, wait: float = WAIT_FOR_OTHER_REFRESH, reuse: timedelta = timedelta(0)
    ) -> None:
        self.connector_id = connector_id
        self.wait = wait
        self.reuse = reuse
        self._kept: tuple[str, datetime] | None = None  # a token read from the database, and until when to use it

    def access_token(self) -> str:
        now = clock.now()
        if self._kept is not None and now < self._kept[1]:
            return self._kept[0]
        self._kept = None
        if self.reuse:
            try:
                found = _usable_token(self.connector_id)
            except DatabaseError:
                found = None  # access_token() below says what the database did
            if found is not None:
                self._kept = (found[0], min(found[1], now + self.reuse))
                return found[0]
        return access_token(self.connector_id, wait=self.wait)

    def on_access_token_rejected(self, token: str, error: AccessTokenExpired) -> None:
        self._kept = None
        try:
            access_token_rejected(self.connector_id, token)
        except DatabaseError as exc:
            _fresh_connection()
            raise _database_unavailable(exc) from None


def settings_keep_alive_age() -> timedelta:
    return timedelta(hours=settings.LEDGERLINK_KEEPALIVE_HOURS)
