"""Exact's wire formats: `/Date(ms)/` in Dutch wall-clock time, Int64 as strings, padded codes, money.

Exact writes every date as the milliseconds of the *Dutch local* wall-clock time as if that were UTC
(reference §3.5). Inside the sandbox all instants are aware datetimes; the shift happens only here.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CENT = Decimal("0.01")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_WIRE = re.compile(r"^/Date\((-?\d+)\)/$")


class Int64(int):
    """An Edm.Int64 value: compares as an int, renders as a JSON string (OData v2 verbose)."""


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM)


def exact_date(value: datetime) -> str:
    """Render an aware datetime as Exact does: Dutch wall-clock time written as UTC milliseconds."""
    wall = value.astimezone(AMSTERDAM).replace(tzinfo=UTC)
    delta = wall - _EPOCH
    millis = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    return f"/Date({millis})/"


def parse_exact_date_wire(text: str) -> datetime | None:
    """Read a `/Date(ms)/` value back into an aware Dutch datetime (inverse of exact_date)."""
    match = _DATE_WIRE.match(text)
    if match is None:
        return None
    wall = datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    return wall.replace(tzinfo=AMSTERDAM)


def parse_input_datetime(text: str) -> datetime:
    """Parse a date sent by a client: ISO date or date-time; without a zone it is Dutch local time.

    Raises ValueError on anything else.
    """
    wire = parse_exact_date_wire(text)
    if wire is not None:
        return wire
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)
    return value.astimezone(AMSTERDAM)


def local_date(value: datetime) -> date:
    return value.astimezone(AMSTERDAM).date()


def server_time(value: datetime) -> str:
    """`current/Me.ServerTime`: ISO without offset, Dutch local time."""
    return value.astimezone(AMSTERDAM).replace(tzinfo=None).isoformat(timespec="seconds")


def utc_offset_seconds(value: datetime) -> int:
    offset = value.astimezone(AMSTERDAM).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def us_timestamp(value: datetime) -> str:
    """The US-style timestamp of Exact's refresh-token expiry message: 10/11/2022 9:18:20 PM (UTC)."""
    v = value.astimezone(UTC)
    hour = v.hour % 12 or 12
    suffix = "AM" if v.hour < 12 else "PM"
    return f"{v.month}/{v.day}/{v.year} {hour}:{v.minute:02d}:{v.second:02d} {suffix}"


def epoch_ms(value: datetime) -> int:
    delta = value.astimezone(UTC) - _EPOCH
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def pad_left(code: str, width: int) -> str:
    """crm Accounts.Code style: right-aligned, leading spaces (18 wide)."""
    return code.rjust(width)


def pad_right(code: str, width: int) -> str:
    """VATCodes.Code style: left-aligned, trailing spaces (3 wide)."""
    return code.ljust(width)


def wire_value(value: object) -> object:
    """Turn a typed row value into its JSON form."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Int64):
        return str(int(value))
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return exact_date(value)
    if isinstance(value, Decimal):
        # Exact's amounts are Edm.Double; integral amounts come out without a fraction (9075).
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value
