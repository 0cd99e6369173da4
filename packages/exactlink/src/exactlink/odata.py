"""OData v2 query options with literals escaped for Exact.

Build filters from :func:`F` (a property) and Python values; every value goes through
:func:`literal`, so a quote in a description or a malformed GUID can never change the query::

    Query().select("ID", "Code").filter((F("Code") == "8000") | F("Code").startswith("80")).top(100)

Literals: ``'text'`` with quotes doubled, ``guid'…'`` (validated), ``datetime'YYYY-MM-DDTHH:MM:SS'`` in
Dutch local time (Exact's zone-less meaning; naive datetimes are refused), ``datetime'YYYY-MM-DD'``
for dates, ``123L`` for :class:`~exactlink.values.Int64`, plain digits for ints and Decimals,
``true``/``false``, ``null``. Floats are refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .values import Int64, dutch_wall_clock, guid


class Guid(str):
    """Marks a string as a GUID literal (``guid'…'``); validated on construction."""

    __slots__ = ()

    def __new__(cls, value: str | uuid.UUID) -> Guid:
        return super().__new__(cls, guid(value))


def literal(value: Any) -> str:
    """The OData v2 literal for a Python value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Guid):
        return f"guid'{value}'"
    if isinstance(value, uuid.UUID):
        return f"guid'{value}'"
    if isinstance(value, str):
        return "'" + str(value).replace("'", "''") + "'"
    if isinstance(value, Int64):
        return f"{int(value)}L"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"no OData literal for {value}")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("refusing a float in an OData filter: use Decimal")
    if isinstance(value, datetime):
        wall = dutch_wall_clock(value)
        spec = "milliseconds" if wall.microsecond else "seconds"
        return f"datetime'{wall.isoformat(timespec=spec)}'"
    if isinstance(value, date):
        return f"datetime'{value.isoformat()}'"
    raise TypeError(f"no OData literal for {type(value).__name__}")


class Expr:
    """A filter expression. Combine with ``&``, ``|`` and ``~``."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __and__(self, other: Expr) -> Expr:
        return Expr(f"({self.text} and {other.text})")

    def __or__(self, other: Expr) -> Expr:
        return Expr(f"({self.text} or {other.text})")

    def __invert__(self) -> Expr:
        return Expr(f"not ({self.text})")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def __bool__(self) -> bool:
        # ``a == b and c == d`` would silently drop a clause: force ``&``.
        raise TypeError("use & and | to combine filter expressions, not 'and'/'or'")


class Prop:
    """A property (or a function of one) to compare against a value."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        if not name or not all(part.replace("_", "").isalnum() for part in name.split("/")):
            raise ValueError(f"not a property name: {name!r}")
        self.name = name

    def _cmp(self, op: str, value: Any) -> Expr:
        return Expr(f"{self.name} {op} {literal(value)}")

    def __eq__(self, value: Any) -> Expr:  # type: ignore[override]
        return self._cmp("eq", value)

    def __ne__(self, value: Any) -> Expr:  # type: ignore[override]
        return self._cmp("ne", value)

    def __gt__(self, value: Any) -> Expr:
        return self._cmp("gt", value)

    def __ge__(self, value: Any) -> Expr:
        return self._cmp("ge", value)

    def __lt__(self, value: Any) -> Expr:
        return self._cmp("lt", value)

    def __le__(self, value: Any) -> Expr:
        return self._cmp("le", value)

    __hash__ = None  # type: ignore[assignment]

    def trim(self) -> _Func:
        """``trim(Code)``: compare padded codes without their padding."""
        return _Func(f"trim({self.name})")

    def startswith(self, value: str) -> Expr:
        return Expr(f"startswith({self.name},{literal(value)})")

    def contains(self, value: str) -> Expr:
        return Expr(f"substringof({literal(value)},{self.name})")

    def in_(self, values: Iterable[Any]) -> Expr:
        """OData v2 has no ``in``: an ``or`` of equalities."""
        parts = [f"{self.name} eq {literal(v)}" for v in values]
        if not parts:
            raise ValueError("in_() needs at least one value")
        return Expr("(" + " or ".join(parts) + ")") if len(parts) > 1 else Expr(parts[0])


class _Func(Prop):
    __slots__ = ()

    def __init__(self, text: str):
        self.name = text


def F(name: str) -> Prop:
    return Prop(name)


def raw(template: str, *values: Any) -> Expr:
    """An expression from a template with ``{}`` placeholders, each filled with an escaped literal."""
    return Expr(template.format(*(literal(v) for v in values)))


class Query:
    """Immutable OData query options. Each method returns a new query."""

    __slots__ = ("_expand", "_filter", "_orderby", "_select", "_skip", "_top")

    def __init__(
        self,
        *,
        select: tuple[str, ...] = (),
        filter: Expr | None = None,
        orderby: tuple[str, ...] = (),
        top: int | None = None,
        skip: int | None = None,
        expand: tuple[str, ...] = (),
    ):
        self._select = select
        self._filter = filter
        self._orderby = orderby
        self._top = top
        self._skip = skip
        self._expand = expand

    def _with(self, **changes: Any) -> Query:
        args: dict[str, Any] = {
            "select": self._select,
            "filter": self._filter,
            "orderby": self._orderby,
            "top": self._top,
            "skip": self._skip,
            "expand": self._expand,
        }
        args.update(changes)
        return Query(**args)

    def select(self, *fields: str) -> Query:
        for f in fields:
            Prop(f)
        return self._with(select=self._select + tuple(fields))

    def filter(self, expr: Expr) -> Query:
        if not isinstance(expr, Expr):
            raise TypeError("filter() takes an expression built with F() or raw()")
        combined = expr if self._filter is None else self._filter & expr
        return self._with(filter=combined)

    def orderby(self, *fields: str) -> Query:
        for f in fields:
            name, _, direction = f.partition(" ")
            Prop(name)
            if direction not in ("", "asc", "desc"):
                raise ValueError(f"bad sort direction in {f!r}")
        return self._with(orderby=self._orderby + tuple(fields))

    def top(self, n: int) -> Query:
        if n < 0:
            raise ValueError("top must be >= 0")
        return self._with(top=n)

    def skip(self, n: int) -> Query:
        if n < 0:
            raise ValueError("skip must be >= 0")
        return self._with(skip=n)

    def expand(self, *navs: str) -> Query:
        for f in navs:
            Prop(f)
        return self._with(expand=self._expand + tuple(navs))

    @property
    def selected(self) -> tuple[str, ...]:
        return self._select

    def params(self) -> dict[str, str]:
        """Query parameters, ready for httpx to URL-encode."""
        out: dict[str, str] = {}
        if self._filter is not None:
            out["$filter"] = self._filter.text
        if self._select:
            out["$select"] = ",".join(self._select)
        if self._expand:
            out["$expand"] = ",".join(self._expand)
        if self._orderby:
            out["$orderby"] = ",".join(self._orderby)
        if self._top is not None:
            out["$top"] = str(self._top)
        if self._skip is not None:
            out["$skip"] = str(self._skip)
        return out

    def __repr__(self) -> str:
        return f"Query({self.params()!r})"
