"""The one place the service asks for the time.

Code calls ``clock.now()`` instead of ``datetime.now`` so that tests can move time (time-machine
patches the underlying call) and so every time is timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
