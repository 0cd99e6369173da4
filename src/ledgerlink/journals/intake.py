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

Each rule of a value is written once, here, and states itself twice: the validator that enforces it and the
JSON schema (``WithJsonSchema``) that the OpenAPI document shows, both made from the same limits and patterns
(docs/adr/0018-openapi-from-the-parser.md). What a JSON schema cannot say — a line has one side, the journal
is in balance — is listed in :data:`RULES_BEYOND_THE_SCHEMA`; the fuzzing test holds the two in step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from ledgerlink.core.messages import Message
from ledgerlink.core.problems import Problem as Problem  # re-exported: callers (closings) import it from here
from ledgerlink.core.text import bad_character, shown
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import Kind

M = TypeVar("M", bound="BaseModel")

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 1000
MAX_CONNECTOR = 10**9 - 1
ISO_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ISO_DATE = re.compile(ISO_DATE_PATTERN)
# An amount written as text: digits with at most two decimals, nothing else (no sign, exponent or spaces).
AMOUNT_PATTERN = r"^([0-9]{1,12}(\.[0-9]{1,2})?)?$"
AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)
# A connector number written as text: up to nine digits (leading zeros allowed), not zero.
CONNECTOR_PATTERN = r"^0*[1-9][0-9]{0,8}$"
CONNECTOR_TEXT = re.compile(CONNECTOR_PATTERN)

# Character classes of the text patterns, spelled out so that every regular expression engine reads them alike
# (``\s`` differs between them). Control characters are Unicode's Cc; white space is what ``str.strip()``
# removes that is no control character (tests/journals/test_openapi.py holds this list to Python's).
_CONTROL = r"\u0000-\u001f\u007f-\u009f"
SPACES = " \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_STORABLE = f"[^{_CONTROL}]"
_VISIBLE = f"[^{_CONTROL}{SPACES}]"
_SPACE = f"[{SPACES}]"

# Refusals of a body that its JSON schema cannot state (they need more than one field, or the connector's
# Exact data): a schema-valid body is refused with 422 for these codes, and for these only.
RULES_BEYOND_THE_SCHEMA = {
    m.LINE_BOTH_SIDES: "a line has a debit or a credit, not both",
    m.LINE_NO_AMOUNT: "a line has a debit or a credit that is not zero",
    m.LINE_VAT_WITHOUT_CODE: "a line with a VAT amount has a VAT code",
    m.CONNECTOR_UNKNOWN: "the connector is one of the company's",
    "journal.unbalanced": "debits equal credits (VAT included as Exact counts it)",
    "journal.vat_amount_wrong": "a VAT amount fits its VAT code's percentage (with Exact data)",
}


class SubmissionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message.code for problem in problems))
        self.problems = problems


# --- reading one value ------------------------------------------------------------------------------------------


def _error(code: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, params)


def text_schema(limit: int, *, required: bool = False, strip: bool = False) -> dict[str, Any]:
    """The JSON schema of :func:`text_field` with the same arguments: exactly the values it accepts."""
    if strip:
        # White space around is removed first; the limit and "required" hold for what is left.
        core = f"{_VISIBLE}(?:{_STORABLE}{{0,{limit - 2}}}{_VISIBLE})?"
        pattern = f"^{_SPACE}*{core if required else f'(?:{core})?'}{_SPACE}*$"
        rule = f"at most {limit} characters after white space around is removed"
    else:
        pattern = f"^{_STORABLE}{{{1 if required else 0},{limit}}}$"
        rule = f"at most {limit} characters"
    text: dict[str, Any] = {"type": "string", "pattern": pattern}
    if not strip:
        text["maxLength"] = limit
    if required:
        text["minLength"] = 1
    digits: dict[str, Any] = {"type": "integer", "minimum": -(10 ** (limit - 1) - 1), "maximum": 10**limit - 1}
    choices = [text, digits] if required else [text, digits, {"type": "null"}]
    description = f"text, {rule}, no control characters or unpaired surrogates" + (", not blank" if required else "")
    return {"anyOf": choices, "description": description + "; a whole number is taken as its digits"}


@dataclass(frozen=True)
class TextRule:
    """``Annotated[str, TextRule(40, strip=True)]``: the validator and the JSON schema of one text field."""

    limit: int
    required: bool = False
    strip: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        read = text_field(self.limit, required=self.required, strip=self.strip)
        return core_schema.with_info_before_validator_function(read, schema=handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        return text_schema(self.limit, required=self.required, strip=self.strip)


def _whole(value: Any, digits: int) -> Any:
    """A JSON whole number written with a fraction (``12.0``: an integer to JSON Schema) as an ``int``, when it
    has at most ``digits`` digits (a larger one is never expanded); anything else as it is."""
    whole = isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()
    return int(value) if whole and -(10 ** (digits - 1)) < value < 10**digits else value


def text_field(limit: int, *, required: bool = False, strip: bool = False) -> Callable[[Any, ValidationInfo], str]:
    """A text field: numbers are taken as their digits; no control characters; at most ``limit`` characters."""

    def read(value: Any, info: ValidationInfo) -> str:
        name = info.field_name or "value"
        if value is None:
            value = ""
        value = _whole(value, limit)
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
    if isinstance(value, str) and not AMOUNT_TEXT.fullmatch(value):
        # A number, but not written as the OpenAPI document says (spaces, a sign, an exponent, "12.300").
        decimals = value.strip().partition(".")[2]
        code = m.AMOUNT_DECIMALS if len(decimals) > 2 and decimals.isdigit() else m.AMOUNT_INVALID
        raise _error(code, field=name, value=shown(value))
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
    if isinstance(value, str) and CONNECTOR_TEXT.fullmatch(value):
        value = int(value)
    value = _whole(value, 9)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_CONNECTOR:
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


AMOUNT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": AMOUNT_PATTERN, "maxLength": 15},
        {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": float(CENT)},
        {"type": "null"},
    ],
    "description": (
        f'a decimal string such as "12.30" (digits, at most two decimals, at most {MAX_AMOUNT}), or an exact '
        "JSON number with at most two decimals; not negative; empty or null is 0.00"
    ),
    "examples": ["12.30"],
}

Amount = Annotated[Decimal, BeforeValidator(money), WithJsonSchema(AMOUNT_SCHEMA)]
CONNECTOR_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_CONNECTOR},
        {"type": "string", "pattern": CONNECTOR_PATTERN},
    ]
}
DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN}


def _lines_required(schema: dict[str, Any]) -> None:
    # ``lines`` has a default only so that a missing list is named by our own message (journal.lines_empty).
    schema["required"] = [*schema.get("required", []), "lines"]


# --- the shape -----------------------------------------------------------------------------------------------------


class LineIn(BaseModel):
    """One line of a submitted journal: a debit or a credit on a ledger, with its VAT."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ledger_code: Annotated[str, TextRule(40, required=True, strip=True)]
    debit: Amount = Decimal("0.00")
    credit: Amount = Decimal("0.00")
    vat_code: Annotated[str, TextRule(10, strip=True)] = ""
    vat_amount: Amount = Decimal("0.00")
    description: Annotated[str, TextRule(200)] = ""
    relation_code: Annotated[str, TextRule(40, strip=True)] = ""
    cost_centre: Annotated[str, TextRule(40, strip=True)] = ""

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

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_lines_required)

    reference: Annotated[str, TextRule(100, required=True, strip=True)] = Field(
        description="the ERP's own reference; submitting it again is idempotent"
    )
    kind: Annotated[Kind, BeforeValidator(read_kind)]
    connector: Annotated[int, BeforeValidator(connector_number), WithJsonSchema(CONNECTOR_SCHEMA)] = Field(
        description="connector number"
    )
    date: Annotated[dt.date, BeforeValidator(iso_date), WithJsonSchema(DATE_SCHEMA)] = Field(description="yyyy-mm-dd")
    description: Annotated[str, TextRule(200)] = ""
    relation_code: Annotated[str, TextRule(40, strip=True)] = Field(
        default="", description="the customer (invoice) or supplier (purchase); the mapping's fallback when empty"
    )
    invoice_number: Annotated[str, TextRule(30, strip=True)] = Field(
        default="",
        description="purchase: the supplier's own invoice number, Exact's YourRef (the reference when empty)",
    )
    lines: Annotated[list[LineIn], BeforeValidator(line_list)] = Field(
        default_factory=list, validate_default=True, min_length=1, max_length=MAX_LINES
    )


class MoveIn(BaseModel):
    """The body of ``POST /api/v1/journals/{id}/move``."""

    connector: Annotated[int, BeforeValidator(connector_number), WithJsonSchema(CONNECTOR_SCHEMA)] = Field(
        description="number of the company's connector to send the journal through"
    )


def optional_connector(value: Any) -> int | None:
    return None if value is None else connector_number(value)


class WaitIn(BaseModel):
    """The body of ``POST /api/v1/journals/wait-for-periods`` (which may also be empty)."""

    connector: Annotated[
        int | None,
        BeforeValidator(optional_connector),
        WithJsonSchema({"anyOf": [*CONNECTOR_SCHEMA["anyOf"], {"type": "null"}]}),
    ] = Field(None, description="only this connector's journals (its number); all if absent")


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
    return read(JournalIn, data)


def read(model: type[M], data: Any) -> tuple[M | None, list[Problem]]:
    """A JSON body read as ``model`` (one of this module's shapes), or every problem found in it."""
    if not isinstance(data, Mapping):
        return None, [Problem("body", Message.of(m.BODY_NOT_OBJECT))]
    try:
        return model.model_validate(data), []
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
    if not data.get("invoice_number"):
        del data["invoice_number"]  # journals stored before the field existed hash (and compare) as they did
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


def _flat(value: Any, path: str, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flat(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flat(item, f"{path}[{index}]", out)
    else:
        out[path] = value
    return out


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Where two submissions with the same key differ (a journal's reference, a day's closing), by the field's
    path in the submitted body, its index counting from 0: ``lines[1].credit: '100.00' → '99.00'``. Paths and
    values are the API's own, in no reader's language (for the 409, and an import's "changed" problem)."""
    before, after = _flat(old, "", {}), _flat(new, "", {})
    return [
        f"{path}: {before.get(path)!r} → {after.get(path)!r}"
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]
