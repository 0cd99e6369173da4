"""A day closing as the POS sends it (``POST /api/v1/closings``, or the page's form), read by one parser.

Values are read by the journals' own rules (journals/intake.py): amounts exactly as ``Decimal`` with at most
two decimals, never through a float; text without control characters. Payments and the rounding may be
negative (refunds paid out with a method, receipts rounded down); everything else is an amount not below zero.
Every problem is reported at once with its field path (``payments[2].amount``, 0-based as in JSON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from ledgerlink.closings import builder
from ledgerlink.closings import messages as m
from ledgerlink.core.messages import Message
from ledgerlink.journals import messages as jm
from ledgerlink.journals.intake import (
    AMOUNT_SCHEMA,
    CONNECTOR_SCHEMA,
    DATE_SCHEMA,
    Amount,
    Problem,
    TextRule,
    connector_number,
    content_hash,
    differences,
    iso_date,
    money,
)

MAX_ITEMS = 200

# Refusals of a body that its JSON schema cannot state: they need the connector, its closing mapping and Exact's
# data, or more than one field (the closing adds up). A schema-valid body is refused (422) for these only.
RULES_BEYOND_THE_SCHEMA = {
    jm.CONNECTOR_UNKNOWN: "the connector is one of the company's",
    m.EXACT_DATA_MISSING: "Exact's VAT codes of the connector have been read",
    m.RATE_UNMAPPED: "each VAT rate has a revenue account in the closing mapping",
    m.RATE_VAT_UNMAPPED: "each VAT rate has an Exact VAT code in the closing mapping",
    m.RATE_VAT_UNKNOWN: "that VAT code is among Exact's",
    m.RATE_VAT_PERCENTAGE: "a numeric VAT rate is mapped to a VAT code of that percentage",
    m.METHOD_UNMAPPED: "each payment method has an account (or there is a fallback account)",
    m.ACCOUNT_UNMAPPED: "what else the closing books has an account",
    m.UNBALANCED: "payments equal sales (VAT included) plus gift cards sold, deposits and rounding",
    m.NOTHING: "the closing has an amount",
    m.KEY_DIFFERS: "a correction is of the same day",
    "journal.unbalanced": "the built journal is in balance (the journals' own check)",
    "journal.vat_amount_wrong": "its VAT amounts fit their codes (the journals' own check)",
    "journal.amount_too_large": "each line of the built journal, where amounts of one account add up, is an "
    "amount the journals accept (the journals' own check)",
}


def signed_money(value: Any, info: ValidationInfo) -> Decimal:
    """An amount that may be negative: ``"-0.03"`` or a negative number; otherwise as :func:`money`."""
    if isinstance(value, str) and value.startswith("-"):
        return -money(value[1:], info)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0:
        return -money(-value, info)
    return money(value, info)


SIGNED_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^-?([0-9]{1,12}(\.[0-9]{1,2})?)?$", "maxLength": 16},
        {"type": "number", "multipleOf": 0.01},
        {"type": "null"},
    ],
    "description": 'a decimal string such as "-0.03" (at most two decimals), or an exact JSON number; may be negative',
}
SignedAmount = Annotated[Decimal, BeforeValidator(signed_money), WithJsonSchema(SIGNED_SCHEMA)]
Code = Annotated[str, TextRule(20, required=True, strip=True)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateIn(_Part):
    vat_rate: Code = Field(description='the POS\'s VAT rate code: "21", "9", "0", "exempt" by default')
    amount: Amount


class PaymentIn(_Part):
    method: Code = Field(description="the POS's payment method: CASH, PIN, CREDITCARD, GIFTCARD, IDEAL, …")
    amount: SignedAmount


class ItemIn(_Part):
    amount: Amount
    description: Annotated[str, TextRule(100, strip=True)] = ""


class TransferIn(_Part):
    to: Literal["safe", "bank"]
    amount: Amount


class CashIn(_Part):
    expected: Amount = Field(description="the cash the till should hold")
    counted: Amount = Field(description="the cash counted")


class ClosingIn(_Part):
    """A POS day closing (Z-report) of one store and terminal."""

    connector: Annotated[int, BeforeValidator(connector_number), WithJsonSchema(CONNECTOR_SCHEMA)] = Field(
        description="connector number"
    )
    store: Code
    terminal: Code
    date: Annotated[dt.date, BeforeValidator(iso_date), WithJsonSchema(DATE_SCHEMA)] = Field(description="yyyy-mm-dd")
    including_vat: StrictBool = Field(True, description="sales, returns and discounts include VAT (the default)")
    sales: list[RateIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    returns: list[RateIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    discounts: list[RateIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    payments: list[PaymentIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    gift_cards_sold: Amount = Decimal("0.00")
    deposits: list[ItemIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    till_expenses: list[ItemIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    cash: CashIn | None = None
    rounding: SignedAmount = Field(
        Decimal("0.00"), description="cash received − cash due (receipts rounded to 5 cents)"
    )

    @property
    def key(self) -> tuple[int, str, str, dt.date]:
        return (self.connector, self.store, self.terminal, self.date)

    def value(self) -> builder.Closing:
        """The closing as the builder takes it."""
        return builder.Closing(
            store=self.store,
            terminal=self.terminal,
            date=self.date,
            including_vat=self.including_vat,
            sales=tuple(builder.RateAmount(s.vat_rate, s.amount) for s in self.sales),
            returns=tuple(builder.RateAmount(s.vat_rate, s.amount) for s in self.returns),
            discounts=tuple(builder.RateAmount(s.vat_rate, s.amount) for s in self.discounts),
            payments=tuple(builder.Payment(p.method, p.amount) for p in self.payments),
            gift_cards_sold=self.gift_cards_sold,
            deposits=tuple(builder.Item(i.amount, i.description) for i in self.deposits),
            till_expenses=tuple(builder.Item(i.amount, i.description) for i in self.till_expenses),
            transfers=tuple(builder.Transfer(t.to, t.amount) for t in self.transfers),
            cash=builder.CashCount(self.cash.expected, self.cash.counted) if self.cash else None,
            rounding=self.rounding,
        )


_KNOWN = {
    "": tuple(ClosingIn.model_fields),
    "sales": tuple(RateIn.model_fields),
    "returns": tuple(RateIn.model_fields),
    "discounts": tuple(RateIn.model_fields),
    "payments": tuple(PaymentIn.model_fields),
    "deposits": tuple(ItemIn.model_fields),
    "till_expenses": tuple(ItemIn.model_fields),
    "transfers": tuple(TransferIn.model_fields),
    "cash": tuple(CashIn.model_fields),
}


def path_of(location: tuple[Any, ...]) -> str:
    """A pydantic location as a field path: ``("payments", 2, "amount")`` → ``payments[2].amount``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "list[", "nullable[")) or part in ("RateIn", "CashIn"):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _problem(error: Mapping[str, Any]) -> Problem:
    location = tuple(error.get("loc", ()))
    path = path_of(location)
    context = dict(error.get("ctx") or {})
    context.pop("field", None)
    kind_of = str(error.get("type", ""))
    if kind_of == "missing":
        return Problem(path, Message.of(jm.FIELD_REQUIRED, field=path))
    if kind_of == "extra_forbidden":
        section = str(location[0]) if len(location) > 1 else ""
        known = ", ".join(_KNOWN.get(section, _KNOWN[""]))
        return Problem(path, Message.of(jm.FIELD_UNKNOWN, field=path, known=known))
    if kind_of.startswith("journal."):
        return Problem(path, Message.of(kind_of, field=path, **context))
    return Problem(path, Message.of(jm.INVALID_VALUE, field=path, error=str(error.get("msg", ""))))


def parse(data: Any) -> tuple[ClosingIn | None, list[Problem]]:
    """The closing read from decoded JSON, or every problem found in it."""
    if isinstance(data, ClosingIn):
        return data, []
    if not isinstance(data, Mapping):
        return None, [Problem("body", Message.of(jm.BODY_NOT_OBJECT))]
    try:
        return ClosingIn.model_validate(data), []
    except ValidationError as exc:
        problems: list[Problem] = []
        for error in exc.errors(include_url=False, include_input=False):
            problem = _problem(error)
            if problem not in problems:
                problems.append(problem)
        return None, problems


def normalised(closing: ClosingIn) -> dict[str, Any]:
    """The closing as plain JSON (amounts as two-decimal strings), for hashing and for naming differences."""
    return closing.model_dump(mode="json")


def fingerprint(closing: ClosingIn) -> str:
    return content_hash(normalised(closing))


__all__ = ["AMOUNT_SCHEMA", "ClosingIn", "differences", "fingerprint", "normalised", "parse"]
