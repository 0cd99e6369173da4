"""The exactlink governor's store in the database, so every web and worker process shares Exact's limits.

One record per (app, division) holds the minute and day windows and the error budget's log of failing
answers per endpoint; the connector screen reads its "errors this hour" from the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from exactlink import ErrorLog, Governor, RateLimitState, Window
from ledgerlink.connectors.lock_objects import lock_rate_limit_record
from ledgerlink.connectors.models import Connector, RateLimitRecord
from ledgerlink.core.rows import Update, param

# The governor's write, for each reservation of calls to Exact: compiled once (core/rows.py).
_SAVE = Update(["state", "updated_at"], lambda pk: RateLimitRecord.objects.filter(pk=pk), param("pk", 907_001_001))


def _window(data: dict[str, Any] | None) -> Window:
    data = data or {}
    return Window(data.get("limit"), data.get("remaining"), data.get("reset_ms"))


def to_state(data: dict[str, Any]) -> RateLimitState:
    errors = []
    for e in data.get("errors", []):
        if "at_ms" not in e:
            continue  # a count from before the error log (an hour at most): dropped, not guessed
        errors.append(ErrorLog(e["endpoint"], tuple(e["at_ms"]), tuple(e.get("tags") or [""] * len(e["at_ms"]))))
    return RateLimitState(
        minutely=_window(data.get("minutely")), daily=_window(data.get("daily")), errors=tuple(errors)
    )


def to_json(state: RateLimitState) -> dict[str, Any]:
    def window(w: Window) -> dict[str, Any]:
        return {"limit": w.limit, "remaining": w.remaining, "reset_ms": w.reset_ms}

    return {
        "minutely": window(state.minutely),
        "daily": window(state.daily),
        "errors": [{"endpoint": e.endpoint, "at_ms": list(e.at_ms), "tags": list(e.tags)} for e in state.errors],
    }


class DatabaseStore:
    """``RateLimitStore`` over ``RateLimitRecord``: ``update`` runs under the row's lock."""

    def get(self, key: str) -> RateLimitState | None:
        record = RateLimitRecord.objects.filter(key=key).first()
        return to_state(record.state) if record is not None else None

    def update(self, key: str, fn: Callable[[RateLimitState | None], RateLimitState]) -> RateLimitState:
        with transaction.atomic():
            record = lock_rate_limit_record(key)
            if record is None:
                try:
                    with transaction.atomic():
                        record = RateLimitRecord.objects.create(key=key, state={})
                except IntegrityError:  # another process made it first: it exists now
                    record = lock_rate_limit_record(key)
                    assert record is not None
            current = to_state(record.state) if record.state else None
            new = fn(current)
            if new != current:
                record.state = to_json(new)
                _SAVE.save(record)
            return new


def app_of(connector: Connector) -> str:
    """The app the governor counts for: Exact's limits belong to the app (client ID) and division."""
    return connector.client_id or f"connector-{connector.pk}"


def errors_this_hour(connector: Connector, now: datetime) -> dict[str, int]:
    """Failing answers per endpoint in the last hour, for the connector's division and ``current/Me``."""
    app = app_of(connector)
    keys = [Governor.key(app, connector.division), Governor.key(app, None)]
    now_ms = int(now.timestamp() * 1000)
    counts: dict[str, int] = {}
    for record in RateLimitRecord.objects.filter(key__in=keys):
        for endpoint, count in to_state(record.state).error_counts(now_ms).items():
            counts[endpoint] = counts.get(endpoint, 0) + count
    return dict(sorted(counts.items()))
