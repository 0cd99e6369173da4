"""A journal as the ERP hands it in — over the API or as an entry of a file — read by one parser.

``JournalIn`` and ``LineIn`` are the only shape of a submission: the API's request body (and its OpenAPI
document), the file import's entries, the dry run and the tests all go through :func:`parse`. Amounts are
read exactly as ``Decimal`` (the API's JSON numbers are decoded with ``parse_float=Decimal``; a float is
refused, never rounded). Every problem is reported at once, as a :class:`Problem` with the field, the line
and a coded :class:`~ledgerlink.core.messages.Message`; a line reports only what is wrong in it, never a
follow-on of a value already known to be wrong.

Text may not hold control characters (NUL included) or unpaired surrogates: they cannot be stored on every
database, nor sent to Exact. Whether the codes exist in Exact is not a question of shape: validation.py
answers it from Exact's data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from ledgerlink.core.messages import Message
from ledgerlink.core.numbers import small_int
from ledgerlink.core.text import bad_character, shown
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import Kind

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 1000
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission: where (field, 1-based line) and what (a coded message)."""

    field: str
    message: Message
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """As the API answers it: the message in the reader's language, and its code."""
        return {"field": self.field, "line": self.line, "message": self.message.text(), "code": self.message.code}

    def to_json(self) -> dict[str, Any]:
        """As it is stored (an attempt's messages, an import's problems): code and parameters."""
        return {**self.message.to_json(), "field": self.field, "line": self.line}

    def __str__(self) -> str:
        return self.message.text()


class SubmissionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message.code for problem in problems))
        self.problems = problems


# --- reading one value ------------------------------------------------------------------------------------------


def _error(code: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, params)


def text_field(limit: int, *, required: bool = False, strip: bool = False) -> Callable[[Any, ValidationInfo], str]:
    """A text field: numbers are taken as their digits; no control characters; at most ``limit`` characters."""

    def read(value: Any, info: ValidationInfo) -> str:
        name = info.field_name or "value"
        if value is None:
            value = ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise _error(m.FIELD_NOT_TEXT, field=name)
        text: str = value
        found = bad_character(text)
        if found is not None:
            raise _error(m.TEXT_BAD_CHARACTER, field=name, position=found[0], character=found[1])
        if strip:
            text = text.strip()
        if required and not text.strip():
            raise _error(m.FIELD_REQUIRED, field=name)
        if len(text) > limit:
            raise _error(m.TEXT_TOO_LONG, field=name, limit=limit)
        return text

    return read


def money(value: Any, info: ValidationInfo) -> Decimal:
    """A non-negative amount with at most two decimals; floats are refused (they are not exact)."""
    name = info.field_name or "amount"
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        raise _error(m.AMOUNT_NOT_EXACT, field=name)
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _error(m.AMOUNT_INVALID, field=name, value=shown(value))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _error(m.AMOUNT_INVALID, field=name, value=shown(value))
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise _error(m.AMOUNT_TOO_LARGE, field=name, value=shown(value))
    if amount != amount.quantize(CENT):
        raise _error(m.AMOUNT_DECIMALS, field=name, value=shown(value))
    if amount < 0:
        raise _error(m.AMOUNT_NEGATIVE, field=name, value=shown(value))
    return amount.quantize(CENT)


def iso_date(value: Any, info: ValidationInfo) -> dt.date:
    name = info.field_name or "date"
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise _error(m.DATE_REQUIRED)
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise _error(m.DATE_FORMAT, field=name, value=shown(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _error(m.DATE_INVALID, field=name, value=shown(value))


def connector_number(value: Any) -> int:
    if value is None:
        raise _error(m.CONNECTOR_REQUIRED)
    if isinstance(value, str) and small_int(value) is not None:
        value = small_int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 10**9:
        raise _error(m.CONNECTOR_NOT_NUMBER)
    return value


def read_kind(value: Any) -> Kind:
    if isinstance(value, str) and value in Kind.values:
        return Kind(value)
    raise _error(m.KIND_UNKNOWN, kinds=", ".join(Kind.values), value=shown(value))


def line_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _error(m.LINES_NOT_LIST)
    if not value:
        raise _error(m.LINES_EMPTY)
    if len(value) > MAX_LINES:
        raise _error(m.LINES_TOO_MANY, limit=MAX_LINES)
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(money),
    Field(description="string or exact JSON number, at most two decimals", examples=["12.30"]),
]


# --- the shape -----------------------------------------------------------------------------------------------------


class LineIn(BaseModel):
    """One line of a submitted journal: a debit or a credit on a ledger, with its VAT."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ledger_code: Annotated[str, BeforeValidator(text_field(40, required=True, strip=True))]
    debit: Amount = Decimal("0.00")
    credit: Amount = Decimal("0.00")
    vat_code: Annotated[str, BeforeValidator(text_field(10, strip=True))] = ""
    vat_amount: Amount = Decimal("0.00")
    description: Annotated[str, BeforeValidator(text_field(200))] = ""
    relation_code: Annotated[str, BeforeValidator(text_field(40, strip=True))] = ""
    cost_centre: Annotated[str, BeforeValidator(text_field(40, strip=True))] = ""

    @model_validator(mode="after")
    def _one_side(self) -> LineIn:
        # Runs only when every field of the line was read: nothing here follows from a bad value.
        if self.debit and self.credit:
            raise _error(m.LINE_BOTH_SIDES, field="debit")
        if not self.debit and not self.credit:
            raise _error(m.LINE_NO_AMOUNT, field="debit")
        if self.vat_amount and not self.vat_code:
            raise _error(m.LINE_VAT_WITHOUT_CODE, field="vat_code")
        return self


class JournalIn(BaseModel):
    """A journal as the ERP submits it (``POST /api/v1/journals``, or one entry of a file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: Annotated[str, BeforeValidator(text_field(100, required=True, strip=True))] = Field(
        description="the ERP's own reference; submitting it again is idempotent"
    )
    kind: Annotated[Kind, BeforeValidator(read_kind)]
    connector: Annotated[int, BeforeValidator(connector_number)] = Field(description="connector number")
    date: Annotated[dt.date, BeforeValidator(iso_date)] = Field(description="yyyy-mm-dd")
    description: Annotated[str, BeforeValidator(text_field(200))] = ""
    relation_code: Annotated[str, BeforeValidator(text_field(40, strip=True))] = ""
    lines: Annotated[list[LineIn], BeforeValidator(line_list)] = Field(default_factory=list, validate_default=True)


JOURNAL_FIELDS = tuple(JournalIn.model_fields)
LINE_FIELDS = tuple(LineIn.model_fields)


def _problem(error: Mapping[str, Any]) -> Problem:
    """A pydantic error as our problem: its field, its 1-based line, and a coded message."""
    location = list(error.get("loc", ()))
    line = location[1] + 1 if len(location) >= 2 and location[0] == "lines" and isinstance(location[1], int) else None
    names = [str(part) for part in location if not isinstance(part, int)]
    context = dict(error.get("ctx") or {})
    field = shown(context.pop("field", None) or (names[-1] if names else "body"))
    kind_of = error.get("type", "")
    if kind_of == "missing":
        required = {"date": m.DATE_REQUIRED, "connector": m.CONNECTOR_REQUIRED}
        code = required.get(field, m.FIELD_REQUIRED)
        return Problem(field, Message.of(code, field=field), line)
    if kind_of == "extra_forbidden":
        known = LINE_FIELDS if line is not None else JOURNAL_FIELDS
        return Problem(field, Message.of(m.FIELD_UNKNOWN, field=field, known=", ".join(known)), line)
    if kind_of in ("model_type", "model_attributes_type", "dict_type") and line is not None:
        return Problem("lines", Message.of(m.LINE_NOT_OBJECT), line)
    if kind_of.startswith("journal."):
        return Problem(field, Message.of(kind_of, field=field, **context), line)
    return Problem(field, Message.of(m.INVALID_VALUE, field=field, error=str(error.get("msg", ""))), line)


def parse(data: Any) -> tuple[JournalIn | None, list[Problem]]:
    """The submission read from decoded JSON (or a file entry's dict), or every problem found in it."""
    if isinstance(data, JournalIn):
        return data, []
    if not isinstance(data, Mapping):
        return None, [Problem("body", Message.of(m.BODY_NOT_OBJECT))]
    try:
        return JournalIn.model_validate(data), []
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False, include_input=False):
            problem = _problem(error)
            if problem not in problems:
                problems.append(problem)
        return None, problems


# --- comparing submissions -------------------------------------------------------------------------------------


def normalised(journal: JournalIn) -> dict[str, Any]:
    """The submission as plain JSON (amounts as two-decimal strings), for hashing and for naming differences."""
    data = journal.model_dump(mode="python")
    data["kind"] = str(journal.kind.value if isinstance(journal.kind, Kind) else journal.kind)
    data["date"] = journal.date.isoformat()
    data["lines"] = [
        {
            **line.model_dump(mode="python"),
            **{key: f"{getattr(line, key):.2f}" for key in ("debit", "credit", "vat_amount")},
        }
        for line in journal.lines
    ]
    return data


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Where two submissions with the same reference differ, as ``name: old → new`` (for the 409)."""
    found = [
        f"{key}: {old.get(key)!r} → {new.get(key)!r}"
        for key in sorted(set(old) | set(new))
        if key != "lines" and old.get(key) != new.get(key)
    ]
    old_lines, new_lines = old.get("lines", []), new.get("lines", [])
    if len(old_lines) != len(new_lines):
        found.append(f"lines: {len(old_lines)} → {len(new_lines)}")
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                found.append(f"line {number} {key}: {a.get(key)!r} → {b.get(key)!r}")
    return found
