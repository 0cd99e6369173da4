"""The sandbox clock: every time-based rule asks this object, never the system clock directly.

Two modes. ``running`` follows real time plus an offset (what ``python -m exact_sandbox`` uses, so a
demo's tokens expire as Exact's would). ``frozen`` stands still until told to move (what the pytest
fixture uses, so tests advance time explicitly and never sleep, and a test running across a minute
boundary cannot see its rate-limit window roll over by accident).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

MODES = ("running", "frozen")


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant for the control API; a value without a zone is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class SandboxClock:
    """A thread-safe, controllable source of aware UTC datetimes."""

    def __init__(self, start: datetime | None = None, mode: str = "running") -> None:
        if mode not in MODES:
            raise ValueError(f"clock mode must be one of {MODES}, not {mode!r}")
        self._lock = threading.Lock()
        self._initial_start = start
        self._initial_mode = mode
        self._mode = mode
        self._frozen_at = start or datetime.now(UTC)
        self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)

    @property
    def mode(self) -> str:
        return self._mode

    def now(self) -> datetime:
        """The sandbox time, to the millisecond (Exact's `/Date(ms)/` and `$skiptoken` precision)."""
        with self._lock:
            value = self._frozen_at if self._mode == "frozen" else datetime.now(UTC) + self._offset
        return value.replace(microsecond=value.microsecond // 1000 * 1000)

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward; use set to go back")
        with self._lock:
            self._frozen_at += timedelta(seconds=seconds)
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime")
        with self._lock:
            self._frozen_at = instant.astimezone(UTC)
            self._offset = instant - datetime.now(UTC)
        return self.now()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"clock mode must be one of {MODES}, not {mode!r}")
        current = self.now()
        with self._lock:
            self._mode = mode
            self._frozen_at = current
            self._offset = current - datetime.now(UTC)

    def restore(self) -> None:
        """Back to the start instant and mode the clock was created with (used by reset)."""
        with self._lock:
            self._mode = self._initial_mode
            start = self._initial_start
            self._frozen_at = start or datetime.now(UTC)
            self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)
