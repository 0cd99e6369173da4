"""Missing days: a terminal's business days are the weekdays it closes on; a day without its closing is named."""

from __future__ import annotations

from datetime import date, timedelta

from ledgerlink.closings.days import Terminal, missing_days, missing_per_terminal

MONDAY = date(2026, 11, 2)


def weekdays(start: date, days: int, skip: tuple[int, ...] = (6,)) -> list[date]:
    return [start + timedelta(days=n) for n in range(days) if (start + timedelta(days=n)).weekday() not in skip]


def test_a_shop_closed_on_sundays_is_not_asked_for_sundays() -> None:
    closed = weekdays(MONDAY, 28)  # four weeks, Monday to Saturday
    assert missing_days(closed, until=MONDAY + timedelta(days=27)) == []


def test_a_day_without_its_closing_is_missing() -> None:
    closed = [day for day in weekdays(MONDAY, 28) if day != date(2026, 11, 18)]
    assert missing_days(closed, until=MONDAY + timedelta(days=27)) == [date(2026, 11, 18)]


def test_days_before_the_first_closing_are_not_missing_and_recent_ones_are() -> None:
    closed = weekdays(date(2026, 11, 16), 7)  # one week, then nothing for three days
    assert missing_days(closed, until=date(2026, 11, 25)) == [
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
    ]


def test_only_terminals_with_missing_days_are_listed() -> None:
    one, two = Terminal(1, "01", "1"), Terminal(1, "01", "2")
    rows = [(one, day) for day in weekdays(MONDAY, 14)] + [(two, day) for day in weekdays(MONDAY, 13)]
    assert missing_per_terminal(rows, until=MONDAY + timedelta(days=13)) == {}
    assert missing_per_terminal(rows[:-1], until=MONDAY + timedelta(days=13)) == {two: [date(2026, 11, 14)]}
