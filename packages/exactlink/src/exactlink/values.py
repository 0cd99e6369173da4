"""Exact's value formats, converted at the boundary and nowhere else.

* ``/Date(ms)/``: the milliseconds are Dutch wall-clock time written as if it were UTC. They become
  aware datetimes in Europe/Amsterdam (or ``date`` for date-only fields) and go back the same way.
* Amounts: JSON numbers are read with ``parse_float=Decimal`` and written from ``Decimal`` digit for
  digit. A ``float`` is refused on the way out: it has already lost the cents.
* Int64 properties arrive as JSON strings (OData v2); resources declare which ones to turn into ints.
* Padded codes (``"           1000123"``, ``"VN "``) stay as Exact sent them but compare trimmed.
* GUIDs are checked before anything is sent: a malformed one is our bug, not a wasted call.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .errors import InvalidGuid

EXACT_TZ = ZoneInfo("Europe/Amsterdam")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_RE = re.compile(r"^/Date\((-?\d+)\)/$")
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class Code(str):
    """A code as Exact stores it (often space-padded) that compares and hashes by its trimmed value.

    ``Code("           8") == "8"`` is true, ``str(code)`` is still the raw, padded text, and
    ``code.trimmed`` is the text without the padding.
    """

    __slots__ = ()

    @property
    def trimmed(self) -> str:
        return str.strip(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.strip(self) == str.strip(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(str.strip(self))

    def __repr__(self) -> str:
        return f"Code({str.__repr__(self)})"


class Deferred:
    """A navigation property Exact did not expand (``{"__deferred": {"uri": ...}}``)."""

    __slots__ = ("uri",)

    def __init__(self, uri: str):
        self.uri = uri

    def __repr__(self) -> str:
        return f"Deferred({self.uri!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Deferred) and other.uri == self.uri

    def __hash__(self) -> int:
        return hash(self.uri)


class Int64(int):
    """Marks an integer as Edm.Int64: an OData literal ``123L``."""

    __slots__ = ()


# --- GUIDs ------------------------------------------------------------------------------------


def guid(value: str | uuid.UUID) -> str:
    """The canonical lower-case form of a GUID, or :class:`InvalidGuid`."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        if _GUID_RE.match(text):
            return text.lower()
    raise InvalidGuid(f"not a GUID: {value!r}")


# --- dates ------------------------------------------------------------------------------------


def parse_exact_datetime(text: str) -> datetime | None:
    """``/Date(ms)/`` → aware datetime in Dutch time, or ``None`` if ``text`` is not that format."""
    m = _DATE_RE.match(text)
    if m is None:
        return None
    wall = _EPOCH + timedelta(milliseconds=int(m.group(1)))
    return wall.replace(tzinfo=EXACT_TZ)


def format_exact_datetime(value: datetime | date) -> str:
    """An aware datetime (any zone) or a date → ``/Date(ms)/`` with Exact's local-time meaning."""
    if isinstance(value, datetime):
        wall = dutch_wall_clock(value).replace(tzinfo=UTC)
    else:
        wall = datetime(value.year, value.month, value.day, tzinfo=UTC)
    ms = (wall - _EPOCH) // timedelta(milliseconds=1)
    return f"/Date({ms})/"


def dutch_wall_clock(value: datetime) -> datetime:
    """The naive Dutch wall-clock time of an aware datetime. Naive input is refused: it is ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: give Exact an aware datetime so the Dutch local time is known")
    return value.astimezone(EXACT_TZ).replace(tzinfo=None)


def iso_for_exact(value: datetime | date) -> str:
    """The ISO text Exact expects in request bodies: date-only, or Dutch local time without a zone."""
    if isinstance(value, datetime):
        wall = dutch_wall_clock(value)
        text = wall.isoformat(timespec="milliseconds" if wall.microsecond else "seconds")
        return text
    return value.isoformat()


# --- JSON in ----------------------------------------------------------------------------------


def loads(body: bytes | str) -> Any:
    """JSON with every non-integer number as ``Decimal``. A UTF-8 BOM (Exact's files have one) is ok."""
    if isinstance(body, bytes):
        body = body.decode("utf-8-sig")
    elif body.startswith("\ufeff"):
        body = body[1:]
    return json.loads(body, parse_float=Decimal)


class FieldSpec:
    """How to read one entity type's fields. Unknown fields pass through (with ``/Date`` converted)."""

    def __init__(
        self,
        *,
        dates: Iterable[str] = (),
        decimals: Iterable[str] = (),
        int64: Iterable[str] = (),
        codes: Iterable[str] = (),
        nested: Mapping[str, FieldSpec] | None = None,
    ):
        self.dates = frozenset(dates)
        self.decimals = frozenset(decimals)
        self.int64 = frozenset(int64)
        self.codes = frozenset(codes)
        self.nested = dict(nested or {})


PLAIN = FieldSpec()


def convert_entity(raw: Mapping[str, Any], spec: FieldSpec = PLAIN) -> dict[str, Any]:
    """One entity from Exact's JSON into Python values, following ``spec``."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "__metadata":
            out[key] = value
            continue
        if isinstance(value, str):
            if value.startswith("/Date("):
                parsed = parse_exact_datetime(value)
                if parsed is not None:
                    out[key] = parsed.date() if key in spec.dates else parsed
                    continue
            if key in spec.int64:
                out[key] = int(value)
            elif key in spec.codes:
                out[key] = Code(value)
            elif key in spec.decimals:
                out[key] = Decimal(value)
            else:
                out[key] = value
        elif isinstance(value, dict):
            if "__deferred" in value:
                out[key] = Deferred(str(value["__deferred"].get("uri", "")))
            elif "results" in value and isinstance(value["results"], list):
                child = spec.nested.get(key, PLAIN)
                out[key] = [convert_entity(v, child) for v in value["results"]]
            else:
                out[key] = convert_entity(value, spec.nested.get(key, PLAIN))
        elif isinstance(value, list):
            child = spec.nested.get(key, PLAIN)
            out[key] = [convert_entity(v, child) if isinstance(v, dict) else v for v in value]
        elif key in spec.decimals and isinstance(value, int) and not isinstance(value, bool):
            out[key] = Decimal(value)
        else:
            out[key] = value
    return out


class Envelope:
    """What one answer contained: its entities and, for a collection page, the ``__next`` link."""

    __slots__ = ("entities", "next_url", "single")

    def __init__(self, entities: list[dict[str, Any]], next_url: str | None, single: bool):
        self.entities = entities
        self.next_url = next_url
        self.single = single


def unwrap(doc: Any) -> Envelope:
    """Every envelope shape Exact uses: ``{"d":{"results":[…],"__next":…}}``, ``{"d":[…]}``,
    ``{"d":{…}}``, and the bare array or object some older answers and fixtures carry."""
    body = doc.get("d", doc) if isinstance(doc, dict) else doc
    if isinstance(body, list):
        return Envelope([e for e in body if isinstance(e, dict)], None, False)
    if isinstance(body, dict):
        if "" in body:
            raise ValueError("malformed OData payload: a property without a name")
        results = body.get("results")
        if isinstance(results, list) and not _looks_like_entity(body):
            next_url = body.get("__next")
            return Envelope([e for e in results if isinstance(e, dict)], next_url or None, False)
        return Envelope([body], None, True)
    raise ValueError(f"unexpected OData payload: {type(body).__name__}")


def _looks_like_entity(body: Mapping[str, Any]) -> bool:
    # A collection wrapper holds only ``results`` and maybe ``__next``/``__count``.
    return any(k not in ("results", "__next", "__count") for k in body)


# --- JSON out ---------------------------------------------------------------------------------


def dumps(value: Any, *, guid_fields: frozenset[str] = frozenset()) -> bytes:
    """Serialise a request body: Decimal digit for digit, dates as Exact's ISO text, no floats.

    Fields named in ``guid_fields`` are checked (and normalised) as GUIDs at any depth.
    """
    out: list[str] = []
    _encode(value, guid_fields, None, out)
    return "".join(out).encode("utf-8")


_encode_str = json.encoder.encode_basestring


def _encode(value: Any, guids: frozenset[str], key: str | None, out: list[str]) -> None:
    """Append ``value``'s JSON to ``out`` (pieces joined once by dumps: a generator per value cost a journal's
    body some 60 generators, issue 13)."""
    if key is not None and key in guids and value is not None and not isinstance(value, (dict, list)):
        out.append(_encode_str(guid(value)))
        return
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Code):
        out.append(_encode_str(str(value)))
    elif isinstance(value, str):
        out.append(_encode_str(value))
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send {value} to Exact")
        out.append(format(value, "f"))
    elif isinstance(value, float):
        raise TypeError("refusing to send a float to Exact: use Decimal for amounts")
    elif isinstance(value, (datetime, date)):
        out.append(_encode_str(iso_for_exact(value)))
    elif isinstance(value, uuid.UUID):
        out.append(_encode_str(str(value)))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"JSON keys must be strings, not {type(k).__name__}")
            if not first:
                out.append(",")
            first = False
            out.append(_encode_str(k))
            out.append(":")
            _encode(v, guids, k, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, guids, key if isinstance(item, (str, uuid.UUID)) else None, out)
        out.append("]")
    else:
        raise TypeError(f"cannot serialise {type(value).__name__} for Exact")
