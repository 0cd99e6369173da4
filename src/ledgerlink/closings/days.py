"""Missing days: the business days of a store's terminal that have no closing (Lightspeed's "missing days").

A terminal's business days are the weekdays on which it sent a closing in the last ``LEARN_WEEKS`` weeks: a shop
closed on Sundays is not asked for Sundays, and no opening hours need to be set up. Pure: dates in, dates out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 28  # how far back the closings page looks for missing days
LEARN_WEEKS = 8


@dataclass(frozen=True)
class Terminal:
    connector: int
    store: str
    terminal: str


def missing_days(closed: Iterable[date], until: date, window: int = WINDOW_DAYS) -> list[date]:
    """The business days from ``until − window + 1`` to ``until`` without a closing, oldest first; none before the
    terminal's first closing (it did not exist yet)."""
    days = set(closed)
    if not days:
        return []
    learnt_from = until - timedelta(weeks=LEARN_WEEKS)
    weekdays = {day.weekday() for day in days if learnt_from < day <= until}
    first = max(min(days), until - timedelta(days=window - 1))
    found = []
    day = first
    while day <= until:
        if day.weekday() in weekdays and day not in days:
            found.append(day)
        day += timedelta(days=1)
    return found


def missing_per_terminal(rows: Iterable[tuple[Terminal, date]], until: date) -> dict[Terminal, list[date]]:
    """Per terminal (only those with a missing day), its missing days."""
    closed: dict[Terminal, set[date]] = {}
    for terminal, day in rows:
        closed.setdefault(terminal, set()).add(day)
    found = {
        terminal: missing_days(days, until)
        for terminal, days in sorted(closed.items(), key=lambda i: (i[0].connector, i[0].store, i[0].terminal))
    }
    return {terminal: days for terminal, days in found.items() if days}
