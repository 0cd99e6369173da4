"""Rate limits (per app and division) and the error budget (per app, user, division and endpoint).

Reference §4: 60 calls per clock minute and 5,000 per UTC day; six `X-RateLimit-*` headers in epoch
milliseconds; a 429 carries only the exhausted window's headers and an empty body. Reference §3.6: more
than 10 answers of 400/401/403/404 in an hour block the endpoint for the rest of that hour.

Not thread-safe on their own: the backend calls them while holding its lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .formats import epoch_ms

BUDGET_STATUSES = frozenset({400, 401, 403, 404})


@dataclass
class Limits:
    minutely: int = 60
    daily: int = 5000
    token_calls_per_day: int = 200
    errors_per_hour: int = 10


@dataclass
class _Usage:
    minute_start: datetime
    minute_used: int
    day_start: datetime
    day_used: int


@dataclass
class RateDecision:
    allowed: bool
    exhausted: str | None  # "daily" or "minutely" when refused
    headers: dict[str, str]


def minute_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


class RateLimiter:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._usage: dict[tuple[str, int], _Usage] = {}

    def _current(self, key: tuple[str, int], now: datetime) -> _Usage:
        usage = self._usage.get(key)
        if usage is None:
            usage = _Usage(minute_start(now), 0, day_start(now), 0)
            self._usage[key] = usage
        if usage.minute_start != minute_start(now):
            usage.minute_start, usage.minute_used = minute_start(now), 0
        if usage.day_start != day_start(now):
            usage.day_start, usage.day_used = day_start(now), 0
        return usage

    def _daily_headers(self, usage: _Usage) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limits.daily),
            "X-RateLimit-Remaining": str(max(0, self.limits.daily - usage.day_used)),
            "X-RateLimit-Reset": str(epoch_ms(usage.day_start + timedelta(days=1))),
        }

    def _minutely_headers(self, usage: _Usage) -> dict[str, str]:
        return {
            "X-RateLimit-Minutely-Limit": str(self.limits.minutely),
            "X-RateLimit-Minutely-Remaining": str(max(0, self.limits.minutely - usage.minute_used)),
            "X-RateLimit-Minutely-Reset": str(epoch_ms(usage.minute_start + timedelta(minutes=1))),
        }

    def headers(self, key: tuple[str, int], now: datetime) -> dict[str, str]:
        """The six headers without counting a call (and without recording an unknown key)."""
        usage = self._current(key, now) if key in self._usage else _Usage(minute_start(now), 0, day_start(now), 0)
        return {**self._daily_headers(usage), **self._minutely_headers(usage)}

    def exhausted_headers(self, window: str, now: datetime) -> dict[str, str]:
        """The headers of a 429 for a spent window ("minutely" or "daily"), whoever the caller is."""
        if window == "daily":
            return self._daily_headers(_Usage(minute_start(now), 0, day_start(now), self.limits.daily))
        return self._minutely_headers(_Usage(minute_start(now), self.limits.minutely, day_start(now), 0))

    def take(self, key: tuple[str, int], now: datetime) -> RateDecision:
        """Count one call, or refuse it when a window is spent (refusals are not counted)."""
        usage = self._current(key, now)
        if usage.day_used >= self.limits.daily:
            return RateDecision(False, "daily", self._daily_headers(usage))
        if usage.minute_used >= self.limits.minutely:
            return RateDecision(False, "minutely", self._minutely_headers(usage))
        usage.minute_used += 1
        usage.day_used += 1
        return RateDecision(True, None, {**self._daily_headers(usage), **self._minutely_headers(usage)})

    def snapshot(self, now: datetime) -> list[dict[str, object]]:
        rows = []
        for client_id, division in sorted(self._usage):
            usage = self._current((client_id, division), now)
            rows.append(
                {
                    "client_id": client_id,
                    "division": division,
                    "minutely_used": usage.minute_used,
                    "minutely_remaining": max(0, self.limits.minutely - usage.minute_used),
                    "minutely_reset": (usage.minute_start + timedelta(minutes=1)).isoformat(),
                    "daily_used": usage.day_used,
                    "daily_remaining": max(0, self.limits.daily - usage.day_used),
                    "daily_reset": (usage.day_start + timedelta(days=1)).isoformat(),
                }
            )
        return rows


BudgetKey = tuple[str, str, str, str]  # client ID, user name, division ("current" for Me), endpoint


class ErrorBudget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._counts: dict[BudgetKey, tuple[datetime, int]] = {}
        self._blocked: dict[BudgetKey, datetime] = {}

    def blocked_until(self, key: BudgetKey, now: datetime) -> datetime | None:
        until = self._blocked.get(key)
        if until is None:
            return None
        if now >= until:
            del self._blocked[key]
            return None
        return until

    def record(self, key: BudgetKey, status: int, now: datetime) -> None:
        if status not in BUDGET_STATUSES:
            return
        start = hour_start(now)
        counted_start, count = self._counts.get(key, (start, 0))
        if counted_start != start:
            count = 0
        count += 1
        self._counts[key] = (start, count)
        if count > self.limits.errors_per_hour:
            self._blocked[key] = start + timedelta(hours=1)

    def snapshot(self, now: datetime) -> list[dict[str, object]]:
        rows = []
        start = hour_start(now)
        for key, (counted_start, count) in sorted(self._counts.items()):
            if counted_start != start:
                continue
            until = self.blocked_until(key, now)
            rows.append(
                {
                    "client_id": key[0],
                    "user": key[1],
                    "division": key[2],
                    "endpoint": key[3],
                    "errors_this_hour": count,
                    "blocked_until": until.isoformat() if until else None,
                }
            )
        return rows
