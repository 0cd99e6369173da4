"""The exactlink governor's store in the database, so every web and worker process shares Exact's limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from exactlink import RateLimitState, Window
from exactlink.ratelimit import ErrorCount
from ledgerlink.connectors.models import RateLimitRecord


def _window(data: dict[str, Any] | None) -> Window:
    data = data or {}
    return Window(data.get("limit"), data.get("remaining"), data.get("reset_ms"))


def to_state(data: dict[str, Any]) -> RateLimitState:
    return RateLimitState(
        minutely=_window(data.get("minutely")),
        daily=_window(data.get("daily")),
        errors=tuple(ErrorCount(e["endpoint"], e["count"], e["until_ms"]) for e in data.get("errors", [])),
    )


def to_json(state: RateLimitState) -> dict[str, Any]:
    def window(w: Window) -> dict[str, Any]:
        return {"limit": w.limit, "remaining": w.remaining, "reset_ms": w.reset_ms}

    return {
        "minutely": window(state.minutely),
        "daily": window(state.daily),
        "errors": [{"endpoint": e.endpoint, "count": e.count, "until_ms": e.until_ms} for e in state.errors],
    }


class DatabaseStore:
    """``RateLimitStore`` over ``RateLimitRecord``: ``update`` runs under the row's lock."""

    def get(self, key: str) -> RateLimitState | None:
        record = RateLimitRecord.objects.filter(key=key).first()
        return to_state(record.state) if record is not None else None

    def update(self, key: str, fn: Callable[[RateLimitState | None], RateLimitState]) -> RateLimitState:
        with transaction.atomic():
            record = RateLimitRecord.objects.select_for_update().filter(key=key).first()
            if record is None:
                try:
                    with transaction.atomic():
                        record = RateLimitRecord.objects.create(key=key, state={})
                except IntegrityError:
                    record = RateLimitRecord.objects.select_for_update().get(key=key)
                current = None if not record.state else to_state(record.state)
            else:
                current = to_state(record.state) if record.state else None
            new = fn(current)
            record.state = to_json(new)
            record.save(update_fields=["state", "updated_at"])
            return new
