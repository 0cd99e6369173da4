"""What happened, stored as a code with parameters and put into words only when someone reads it.

A row that says what happened (a journal's status, a connector's reason, an attempt's outcome, an event)
never holds an English sentence: a sentence stored in English can never be shown in Dutch. It holds a
:class:`Message`, a code from the catalogue and its parameters, kept as JSON
(``{"code": "journal.period_closed", "params": {"year": 2026, "period": 11}}``) in a :class:`MessageField`.
Pages, e-mails and API answers render it in the reader's language at that moment: ``str(message)`` in a
template or ``message.text()`` in code, ``message.fix()`` for what a person can do about it.

Each app declares its codes in its own ``messages.py`` with :func:`define`, the words given with
``gettext_lazy`` so they are rendered in the language active when read (the modules are imported when
Django starts, see ``CoreConfig.ready``). A code is never renamed or reused once rows carry it; add a new
one instead.

Parameters are plain JSON values; a parameter may itself be a :class:`Message` (stored as its code and
parameters, rendered in the same language). Money (``Decimal``) and dates are stored as strings and formatted in the
reader's locale when rendered, for the parameters a definition names in ``money=`` / ``dates=`` /
``datetimes=`` (``1234.5`` → "1,234.50" in English, "1.234,50" in Dutch).

Two codes are built in:

- ``legacy`` — text written before codes existed (migrated rows), shown as it was;
- ``exact`` — Exact Online's own words (a refusal's message text), shown as Exact's and never translated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise

from ledgerlink.core.numbers import money_text

JSONValue = str | int | float | bool | None | list[Any] | dict[str, Any]


@dataclass(frozen=True)
class Definition:
    """One code of the catalogue: its words (translatable, ``{name}`` placeholders) and what to do."""

    code: str
    text: str | Promise
    fix: str | Promise | None = None
    money: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    datetimes: frozenset[str] = frozenset()


_CATALOGUE: dict[str, Definition] = {}


def define(
    code: str,
    text: str | Promise,
    *,
    fix: str | Promise | None = None,
    money: Iterable[str] = (),
    dates: Iterable[str] = (),
    datetimes: Iterable[str] = (),
) -> str:
    """Add a code to the catalogue and return it, so modules can say ``PERIOD_CLOSED = define(...)``."""
    existing = _CATALOGUE.get(code)
    definition = Definition(code, text, fix, frozenset(money), frozenset(dates), frozenset(datetimes))
    if existing is not None and existing != definition:
        raise ValueError(f"message code {code!r} is defined twice")
    _CATALOGUE[code] = definition
    return code


def definition(code: str) -> Definition | None:
    return _CATALOGUE.get(code)


def codes() -> list[str]:
    return sorted(_CATALOGUE)


LEGACY = define("legacy", "{text}")
EXACT = define("exact", "{text}")


def _plain(value: Any) -> JSONValue:
    """A parameter as it is stored: JSON only, with money and dates as exact strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("datetimes in messages must be timezone-aware")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Message):  # a message inside a message ("No valid token: {reason}"): kept as a code
        return value.to_json()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass(frozen=True)
class Message:
    """A code and its parameters; rendered in the active language by :meth:`text`."""

    code: str
    params: Mapping[str, JSONValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", {str(k): _plain(v) for k, v in dict(self.params).items()})

    @classmethod
    def of(cls, code: str, **params: Any) -> Message:
        return cls(code, params)

    @classmethod
    def legacy(cls, text: str) -> Message:
        return cls(LEGACY, {"text": text})

    @classmethod
    def exact(cls, text: str) -> Message:
        """Exact Online's own message text, kept and shown as Exact's words."""
        return cls(EXACT, {"text": text})

    @property
    def is_exact(self) -> bool:
        return self.code == EXACT

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, value: Any) -> Message | None:
        """Read what a :class:`MessageField` stored; a bare string is legacy text, empty is no message."""
        if value is None or value == "" or value == {}:
            return None
        if isinstance(value, Message):
            return value
        if isinstance(value, str):
            return cls.legacy(value)
        if isinstance(value, Mapping) and isinstance(value.get("code"), str):
            params = value.get("params") or {}
            return cls(value["code"], params if isinstance(params, Mapping) else {})
        return cls.legacy(json.dumps(value, default=str))

    def text(self) -> str:
        definition = _CATALOGUE.get(self.code)
        if definition is None:
            return _unknown(self)
        return _format(str(definition.text), self)

    def fix(self) -> str:
        """What a person can do about it, in the active language; empty when nothing is to be done."""
        definition = _CATALOGUE.get(self.code)
        if definition is None or definition.fix is None:
            return ""
        return _format(str(definition.fix), self)

    def __str__(self) -> str:
        return self.text()


def _unknown(message: Message) -> str:
    params = ", ".join(f"{k}={v}" for k, v in sorted(message.params.items()))
    return f"{message.code} ({params})" if params else message.code


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format(template: str, message: Message) -> str:
    definition = _CATALOGUE[message.code]
    shown = _Params()
    for name, value in message.params.items():
        shown[name] = _localised(definition, name, value)
    try:
        return template.format_map(shown)
    except (ValueError, IndexError, AttributeError):  # a broken translation must not break the page
        return _unknown(message)


def _localised(definition: Definition, name: str, value: JSONValue) -> Any:
    try:
        if name in definition.money and value is not None:
            return money_text(Decimal(str(value)))
        if name in definition.dates and isinstance(value, str):
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT", use_l10n=True)
        if name in definition.datetimes and isinstance(value, str):
            moment = timezone.localtime(dt.datetime.fromisoformat(value))
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT", use_l10n=True)
    except (InvalidOperation, ValueError):
        return value
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Mapping) and isinstance(value.get("code"), str):
        nested = Message.from_json(value)
        return nested.text() if nested is not None else ""
    return value


class MessageField(models.JSONField):
    """A :class:`Message` in a JSON column; ``None`` (SQL NULL) when there is nothing to say."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Message | None:
        return Message.from_json(super().from_db_value(value, expression, connection))

    def to_python(self, value: Any) -> Message | None:
        return Message.from_json(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Message):
            value = value.to_json()
        elif value == "":
            value = None
        return super().get_prep_value(value)

    def value_to_string(self, obj: models.Model) -> Any:
        value = self.value_from_object(obj)
        return value.to_json() if isinstance(value, Message) else value
