"""Unit tests of the sandbox clock and Exact's wire formats."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exact_sandbox.clock import SandboxClock, parse_instant
from exact_sandbox.formats import (
    AMSTERDAM,
    Int64,
    exact_date,
    parse_exact_date_wire,
    parse_input_datetime,
    us_timestamp,
    wire_value,
)


def test_frozen_clock_moves_only_when_told() -> None:
    start = datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC)
    clock = SandboxClock(start, "frozen")
    assert clock.now() == start.replace(microsecond=999_000) == clock.now()
    assert clock.advance(0.001) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    clock.set(datetime(2030, 1, 1, 1, tzinfo=AMSTERDAM))
    assert clock.now() == datetime(2030, 1, 1, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2030, 1, 1))
    clock.restore()
    assert clock.now() == start.replace(microsecond=999_000)


def test_running_clock_follows_real_time_plus_offset() -> None:
    clock = SandboxClock()
    before = datetime.now(UTC)
    moved = clock.advance(3600)
    assert moved - before >= timedelta(seconds=3600) - timedelta(milliseconds=1)
    clock.set_mode("frozen")
    assert clock.mode == "frozen" and clock.now() == clock.now()
    with pytest.raises(ValueError):
        SandboxClock(mode="paused")


def test_parse_instant_defaults_to_utc() -> None:
    assert parse_instant("2026-03-10T12:00:00") == datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert parse_instant("2026-03-10T12:00:00Z") == datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert parse_instant("2026-03-10T14:00:00+02:00") == datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "wall"),
    [
        (datetime(2025, 3, 10, 13, 5, 11, 433_000, tzinfo=UTC), datetime(2025, 3, 10, 14, 5, 11, 433_000, tzinfo=UTC)),
        (datetime(2026, 6, 25, 14, 17, 9, tzinfo=UTC), datetime(2026, 6, 25, 16, 17, 9, tzinfo=UTC)),  # CEST
    ],
)
def test_exact_date_writes_dutch_wall_clock_time_as_utc(instant: datetime, wall: datetime) -> None:
    text = exact_date(instant)
    assert text == f"/Date({int(wall.timestamp() * 1000)})/"
    assert parse_exact_date_wire(text) == instant


def test_date_only_input_is_local_midnight() -> None:
    assert exact_date(parse_input_datetime("2024-05-30")) == "/Date(1717027200000)/"  # the recorded value
    assert parse_input_datetime("2024-05-30T10:00:00Z").hour == 12
    with pytest.raises(ValueError):
        parse_input_datetime("30-05-2024")


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2022, 10, 11, 21, 18, 20, tzinfo=UTC), "10/11/2022 9:18:20 PM"),
        (datetime(2022, 10, 28, 0, 5, 0, tzinfo=UTC), "10/28/2022 12:05:00 AM"),
        (datetime(2022, 1, 2, 12, 0, 9, tzinfo=UTC), "1/2/2022 12:00:09 PM"),
    ],
)
def test_us_timestamp(instant: datetime, text: str) -> None:
    assert us_timestamp(instant) == text


def test_wire_values() -> None:
    assert wire_value(Int64(5)) == "5"
    assert wire_value(Decimal("9075.00")) == 9075 and isinstance(wire_value(Decimal("9075.00")), int)
    assert wire_value(Decimal("0.21")) == 0.21
    assert wire_value(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert wire_value(True) is True and wire_value(None) is None and wire_value(7) == 7
