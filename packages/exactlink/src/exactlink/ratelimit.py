"""Rate-limit governor: stay inside Exact's 60/minute and 5,000/day per app and division.

Exact reports both windows in six headers on every answer (resets in UTC epoch milliseconds) and
sends only the exhausted window's headers with a 429. The governor keeps, per (app, division), the
last known limit, remaining count and reset of each window in a :class:`RateLimitStore`.

Before a call it *reserves* one call: if a window has calls left (or its reset has passed, so the
numbers are stale) the call may go at once and the remaining count drops by one, so processes that
share a store do not all spend the last call. Only when a window is known to be exhausted does it
wait, and only until that window's reset. After the call the headers overwrite the estimate.

A caller that knows it will make many calls in a row (a batch of journals) may reserve them *ahead*
(:meth:`Governor.calls_ahead`): one reservation in the store takes up to that many calls, which are then
spent without asking the store, and those not made are given back at the end. Exact's figures do not count
calls reserved and not made yet, so the store keeps them counted when the answers' headers are written.

It also keeps Exact's *error budget*: more than 10 answers of 400/401/403/404 on one endpoint
within an hour get the app blocked on that endpoint for an hour (and longer on repetition). The
governor logs the time of each such answer per endpoint and, while ``error_budget`` of them fall in
the last 60 minutes, refuses further calls to that endpoint with :class:`~exactlink.errors.EndpointBlocked`
until the oldest of them is an hour old: a parked journal is better than a blocked app. Any clock
hour is one of those 60-minute spans, so this is at least as strict as Exact's clock-hour or sliding
counting. Answers given a ``tag`` (the client tags a 401 with its token's fingerprint) count once per
tag: the 401s of many processes that sent one rotated-out token are one expiry, not many mistakes.

The store is the only shared state; :class:`InMemoryStore` serves one process, the service keeps
the same records in its database (see :class:`RateLimitStore` for the contract).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from .errors import EndpointBlocked, RateLimited


@dataclass(frozen=True)
class Window:
    limit: int | None
    remaining: int | None
    reset_ms: int | None  # UTC epoch milliseconds

    def exhausted(self, now_ms: int) -> bool:
        return (
            self.remaining is not None
            and self.remaining <= 0
            and self.reset_ms is not None
            and (now_ms < self.reset_ms)
        )

    def stale(self, now_ms: int) -> bool:
        return self.reset_ms is None or now_ms >= self.reset_ms


UNKNOWN = Window(None, None, None)


HOUR_MS = 3_600_000


@dataclass(frozen=True)
class ErrorLog:
    """The failing answers of one endpoint in the last hour: their times (ms) and tags ("" for none)."""

    endpoint: str  # "financial/GLAccounts"
    at_ms: tuple[int, ...]
    tags: tuple[str, ...]

    def recent(self, now_ms: int) -> ErrorLog:
        kept = [(at, tag) for at, tag in zip(self.at_ms, self.tags, strict=True) if now_ms - at < HOUR_MS]
        return ErrorLog(self.endpoint, tuple(at for at, _ in kept), tuple(tag for _, tag in kept))

    def count(self, now_ms: int) -> int:
        return len(self.recent(now_ms).at_ms)

    def blocked_until_ms(self, now_ms: int, budget: int) -> int | None:
        """While ``budget`` answers fall within the last hour: when the oldest of them leaves it."""
        times = sorted(self.recent(now_ms).at_ms)
        if len(times) < budget:
            return None
        return times[len(times) - budget] + HOUR_MS


@dataclass(frozen=True)
class RateLimitState:
    minutely: Window = UNKNOWN
    daily: Window = UNKNOWN
    errors: tuple[ErrorLog, ...] = ()

    def errors_for(self, endpoint: str, now_ms: int) -> ErrorLog | None:
        for e in self.errors:
            if e.endpoint == endpoint:
                recent = e.recent(now_ms)
                return recent if recent.at_ms else None
        return None

    def error_counts(self, now_ms: int) -> dict[str, int]:
        """Failing answers per endpoint within the last hour (what the budget counts)."""
        counts = {e.endpoint: e.count(now_ms) for e in self.errors}
        return {endpoint: n for endpoint, n in counts.items() if n}


class RateLimitStore(Protocol):
    """Where the governor keeps its numbers. ``update`` must be atomic per key.

    ``update(key, fn)`` reads the state for ``key`` (``None`` if never seen), calls ``fn`` with it,
    stores what ``fn`` returns and returns that. A database store runs it inside a transaction with
    the row locked (``SELECT … FOR UPDATE``); ``fn`` is pure and quick.
    """

    def get(self, key: str) -> RateLimitState | None: ...

    def update(self, key: str, fn: Callable[[RateLimitState | None], RateLimitState]) -> RateLimitState: ...


class InMemoryStore:
    """The default store: a dict behind a lock, for one process."""

    def __init__(self) -> None:
        self._data: dict[str, RateLimitState] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> RateLimitState | None:
        with self._lock:
            return self._data.get(key)

    def update(self, key: str, fn: Callable[[RateLimitState | None], RateLimitState]) -> RateLimitState:
        with self._lock:
            new = fn(self._data.get(key))
            self._data[key] = new
            return new

    def clear(self) -> None:
        """Forget everything (tests that reuse app IDs across a frozen clock need this)."""
        with self._lock:
            self._data.clear()


PROCESS_STORE = InMemoryStore()


def _int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.lstrip("-").isdigit() else None


def windows_from_headers(headers: Mapping[str, str]) -> tuple[Window | None, Window | None]:
    """(minutely, daily) as far as the headers tell; ``None`` for a window whose headers are absent."""
    minutely = daily = None
    m = (
        _int(headers, "X-RateLimit-Minutely-Limit"),
        _int(headers, "X-RateLimit-Minutely-Remaining"),
        _int(headers, "X-RateLimit-Minutely-Reset"),
    )
    if any(v is not None for v in m):
        minutely = Window(*m)
    d = (
        _int(headers, "X-RateLimit-Limit"),
        _int(headers, "X-RateLimit-Remaining"),
        _int(headers, "X-RateLimit-Reset"),
    )
    if any(v is not None for v in d):
        daily = Window(*d)
    return minutely, daily


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _less(w: Window | None, calls: int) -> Window | None:
    """Exact's figure for a window, less the calls reserved ahead and not made yet."""
    if w is None or w.remaining is None or not calls:
        return w
    return replace(w, remaining=w.remaining - calls)


def _unspend(current: Window, reserved: Window, calls: int) -> Window:
    """The window with ``calls`` given back, if it is still the window they were reserved in."""
    if current.remaining is None or current.reset_ms is None or current.reset_ms != reserved.reset_ms:
        return current
    remaining = current.remaining + calls
    return replace(current, remaining=min(remaining, current.limit) if current.limit is not None else remaining)


class Governor:
    """Decides whether a call may go now, and for how long to wait if not.

    ``max_wait`` bounds a single wait: a window that needs a longer wait (a spent day takes hours; a
    worker's round may allow only a second) is not waited out, :class:`~exactlink.errors.RateLimited`
    with ``retry_at`` is raised instead so the caller can park the work. ``error_budget`` is how many
    failing answers per endpoint and hour it allows (``None``: no guard).
    """

    def __init__(
        self,
        store: RateLimitStore | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        max_wait: float = 65.0,
        margin: float = 0.05,
        error_budget: int | None = 10,
    ):
        # Exact's limits belong to the app and division, not to a client object: without a store of
        # their own, all governors of the process share one.
        self.store: RateLimitStore = store if store is not None else PROCESS_STORE
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.sleep: Callable[[float], None] = sleep or time.sleep
        self.max_wait = max_wait
        self.margin = margin  # seconds added after a reset, against clock skew with Exact
        self.error_budget = error_budget
        self.ahead = 1  # calls one reservation takes (calls_ahead())
        # Per key: calls reserved ahead and not made yet, and the store's state after the last write.
        self._held: dict[str, tuple[int, RateLimitState]] = {}

    @staticmethod
    def key(app: str, division: int | str | None) -> str:
        return f"{app}:{division if division is not None else '-'}"

    def delay(
        self, key: str, endpoint: str | None = None
    ) -> tuple[float, str | None, int | None, RateLimitState | None]:
        """Reserve a call: (seconds to wait first, window waited on, its reset in ms, the state after).

        The state after is ``None`` when nothing was reserved (a wait is needed first).
        """
        now_ms = _ms(self.clock())
        held = self._held.get(key)
        if held is not None and held[0] > 0 and self._blocked_until(held[1], endpoint, now_ms) is None:
            self._held[key] = (held[0] - 1, held[1])  # reserved ahead: no need to ask the store
            return 0.0, None, None, held[1]
        found: list[tuple[float, str, int]] = []
        takes: list[int] = []

        def reserve(state: RateLimitState | None) -> RateLimitState:
            state = state or RateLimitState()
            waits = []
            for name in ("minutely", "daily"):
                w: Window = getattr(state, name)
                if w.exhausted(now_ms):
                    assert w.reset_ms is not None
                    waits.append(((w.reset_ms - now_ms) / 1000 + self.margin, name, w.reset_ms))
            until = self._blocked_until(state, endpoint, now_ms)
            if until is not None:
                waits.append(((until - now_ms) / 1000, "errors", until))
            if waits:
                found[:] = [max(waits)]  # a store may run fn more than once (a retried transaction)
                return state
            found.clear()
            takes[:] = [self._takes(state, now_ms)]
            return replace(
                state,
                minutely=self._spend(state.minutely, now_ms, takes[0]),
                daily=self._spend(state.daily, now_ms, takes[0]),
            )

        after = self.store.update(key, reserve)
        if not found:
            # The rest of the reservation, for the next calls (with any still held for other endpoints).
            calls = (held[0] if held is not None else 0) + takes[0] - 1
            if calls > 0:
                self._held[key] = (calls, after)
            else:
                self._held.pop(key, None)
            return 0.0, None, None, after
        seconds, window, reset_ms = found[0]
        return seconds, window, reset_ms, None

    def _blocked_until(self, state: RateLimitState, endpoint: str | None, now_ms: int) -> int | None:
        """Until when the endpoint's error budget is spent (None: it is not, or there is no budget)."""
        if endpoint is None or self.error_budget is None:
            return None
        log = state.errors_for(endpoint, now_ms)
        return log.blocked_until_ms(now_ms, self.error_budget) if log is not None else None

    @staticmethod
    def _spend(w: Window, now_ms: int, calls: int = 1) -> Window:
        if w.stale(now_ms):
            return UNKNOWN
        if w.remaining is None:
            return w
        return replace(w, remaining=w.remaining - calls)

    def _takes(self, state: RateLimitState, now_ms: int) -> int:
        """How many calls one reservation takes: ``ahead``, or fewer when a window has fewer left."""
        left = [w.remaining for w in (state.minutely, state.daily) if w.remaining is not None and not w.stale(now_ms)]
        return max(1, min([self.ahead, *left]))

    @contextmanager
    def calls_ahead(self, calls: int) -> Iterator[None]:
        """Within the block, each reservation in the store takes up to ``calls`` calls (a batch's worth); the next
        ones are spent without the store until they are used up. At the end, the calls reserved and not made are
        given back to their windows (unless a window has reset since: its calls were spent with it).

        One reservation for a batch instead of one per call: the store is shared by every process, and its
        read-and-write under a lock was a tenth of a posted journal's cost (issue 13). Others sharing the key see
        the batch's calls as spent while it runs; a 429 drops them (the window is spent anyway).
        """
        self.ahead = max(1, calls)
        try:
            yield
        finally:
            self.ahead = 1
            self.give_back()

    def give_back(self) -> None:
        """Return the calls reserved ahead and not made to their windows in the store."""
        held, self._held = self._held, {}
        for key, (calls, reserved) in held.items():
            if calls <= 0:
                continue

            def apply(
                state: RateLimitState | None, calls: int = calls, reserved: RateLimitState = reserved
            ) -> RateLimitState:
                if state is None:
                    return RateLimitState()
                return replace(
                    state,
                    minutely=_unspend(state.minutely, reserved.minutely, calls),
                    daily=_unspend(state.daily, reserved.daily, calls),
                )

            self.store.update(key, apply)

    def before_call(self, key: str, endpoint: str | None = None) -> RateLimitState:
        """Wait, if a window is spent, until it resets; return the state with this call reserved.

        One sleep per spent window, no polling, none longer than ``max_wait``. A spent error budget
        raises :class:`~exactlink.errors.EndpointBlocked`, a longer wait
        :class:`~exactlink.errors.RateLimited`; both say in ``retry_at`` when to come back.
        """
        window: str | None = None
        reset_ms: int | None = None
        for _ in range(3):  # the minute window, then the day window, then give up
            seconds, window, reset_ms, after = self.delay(key, endpoint)
            if after is not None:
                return after
            if seconds > self.max_wait or window == "errors":
                break
            self.sleep(seconds)
        reset = datetime.fromtimestamp(reset_ms / 1000, UTC) if reset_ms else None
        if window == "errors":
            raise EndpointBlocked(
                f"error budget of {endpoint} spent until {reset}: stopped before Exact blocks it",
                retry_at=reset,
                status=None,
            )
        raise RateLimited(f"{window} rate limit spent until {reset}", window=window or "", retry_at=reset, status=None)

    def record(self, key: str, headers: Mapping[str, str], reserved: RateLimitState | None = None) -> None:
        """Take Exact's figures as the truth. Windows without headers keep what we knew.

        ``reserved`` is what :meth:`before_call` returned for this call: when Exact's figures say the
        same, nothing is written (the usual case for a division that one process serves).
        """
        minutely, daily = windows_from_headers(headers)
        if minutely is None and daily is None:
            return
        held = self._held.get(key)
        if held is not None and held[0] > 0:
            # Calls reserved ahead and not made yet are not in Exact's figures: keep them counted (never more
            # than Exact has left; it knows of calls made by others too).
            left = min(
                [held[0], *(w.remaining for w in (minutely, daily) if w is not None and w.remaining is not None)]
            )
            left = max(0, left)
            minutely, daily = _less(minutely, left), _less(daily, left)
            self._held[key] = (left, held[1])
        if reserved is not None and (minutely or reserved.minutely, daily or reserved.daily) == (
            reserved.minutely,
            reserved.daily,
        ):
            return

        def apply(state: RateLimitState | None) -> RateLimitState:
            state = state or RateLimitState()
            return replace(state, minutely=minutely or state.minutely, daily=daily or state.daily)

        self._keep(key, self.store.update(key, apply))

    def _keep(self, key: str, state: RateLimitState) -> None:
        """The store's state after a write, kept with the calls reserved ahead (for their error-budget checks)."""
        held = self._held.get(key)
        if held is not None:
            self._held[key] = (held[0], state)

    def record_429(self, key: str, headers: Mapping[str, str]) -> None:
        """A 429 means the window is spent even if a header says otherwise or is missing."""
        minutely, daily = windows_from_headers(headers)
        now_ms = _ms(self.clock())

        def apply(state: RateLimitState | None) -> RateLimitState:
            state = state or RateLimitState()
            m, d = state.minutely, state.daily
            if minutely is not None:
                m = replace(minutely, remaining=0)
            if daily is not None:
                d = replace(daily, remaining=0)
            if minutely is None and daily is None:
                # No headers at all (seen in 2019): assume the minute window, to its next boundary.
                m = Window(m.limit, 0, (now_ms // 60000 + 1) * 60000)
            return replace(state, minutely=m, daily=d)

        self._held.pop(key, None)  # the window is spent: calls reserved ahead are gone with it
        self.store.update(key, apply)

    def record_error(self, key: str, endpoint: str, tag: str = "") -> None:
        """Count an answer that Exact counts against the error budget (400, 401, 403, 404).

        Answers with the same non-empty ``tag`` within the hour count once.
        """
        now_ms = _ms(self.clock())

        def apply(state: RateLimitState | None) -> RateLimitState:
            state = state or RateLimitState()
            current = state.errors_for(endpoint, now_ms) or ErrorLog(endpoint, (), ())
            if tag and tag in current.tags:
                return state
            logged = ErrorLog(endpoint, (*current.at_ms, now_ms), (*current.tags, tag))
            others = tuple(e.recent(now_ms) for e in state.errors if e.endpoint != endpoint and e.recent(now_ms).at_ms)
            return replace(state, errors=(*others, logged))

        self._keep(key, self.store.update(key, apply))

    def record_block(self, key: str, endpoint: str) -> None:
        """Exact itself says the endpoint is blocked: treat the budget as spent from now."""
        if self.error_budget is None:
            return
        now_ms = _ms(self.clock())
        budget = self.error_budget

        def apply(state: RateLimitState | None) -> RateLimitState:
            state = state or RateLimitState()
            logged = ErrorLog(endpoint, (now_ms,) * budget, ("",) * budget)
            others = tuple(e for e in state.errors if e.endpoint != endpoint)
            return replace(state, errors=(*others, logged))

        self._keep(key, self.store.update(key, apply))
