"""What connectors lock, by name (core/locks.py: inside a transaction only, in primary-key order)."""

from __future__ import annotations

from ledgerlink.connectors.models import Connector, OAuthState, RateLimitRecord
from ledgerlink.core.locks import LockFirst, lock_first, lock_row
from ledgerlink.core.rows import param


def lock_connector(connector_id: int) -> Connector:
    """The connector row, locked: its tokens, status and claims change only under this lock."""
    return lock_row(Connector, connector_id)


# A sender's claim tries it for every batch, often for several connectors in turn: compiled once (core/rows.py),
# and only what a claim needs is read (not the connector's JSON of divisions).
_TRY_LOCK = LockFirst(
    lambda pk: Connector.objects.only("division").filter(pk=pk), param("pk", 907_001_001), skip_locked=True
)


def try_lock_connector(connector_id: int) -> Connector | None:
    """Lock the connector if no other transaction holds it; None (at once) when one does. Of the connector only
    ``division`` is read (other fields are deferred)."""
    return _TRY_LOCK(pk=connector_id)


def lock_oauth_state(state_hash: str) -> OAuthState | None:
    return lock_first(OAuthState.objects.filter(state_hash=state_hash))


_RATE_LIMIT_RECORD = LockFirst(lambda key: RateLimitRecord.objects.filter(key=key), param("key", "\x00rate-limit-key"))


def lock_rate_limit_record(key: str) -> RateLimitRecord | None:
    """The governor's record of (app, division), locked: read and written for each reservation of calls to Exact
    (one per call, or one per batch: docs/adr/0030)."""
    return _RATE_LIMIT_RECORD(key=key)
