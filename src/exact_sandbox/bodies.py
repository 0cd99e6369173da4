"""Reading a POST body as Exact does: which properties an entity accepts, and their conversions.

Two kinds of refusal, as on Exact: a *conversion* error (a value of the wrong type, an unknown
property) stops reading the body at once; *validation* errors are collected over the whole entry and
returned together, joined by CR LF. Both answer 400 (see FIDELITY.md for the 500 older Exact used).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .formats import AMSTERDAM, local_date, money, parse_input_datetime

Body = dict[str, object]

# Read-only properties a client may echo back; accepted and ignored.
READ_ONLY = frozenset(
    {
        "EntryID",
        "ID",
        "Created",
        "Creator",
        "CreatorFullName",
        "Modified",
        "Modifier",
        "ModifierFullName",
        "Division",
        "Status",
        "StatusDescription",
        "Type",
        "TypeDescription",
        "JournalDescription",
        "AmountDC",
        "AmountVATDC",
        "VATAmountDC",
        "VATBaseAmountDC",
        "VATBaseAmountFC",
        "LineNumber",
        "__metadata",
        "GLAccountCode",
        "GLAccountDescription",
        "CustomerName",
        "SupplierName",
        "InvoiceNumber",
        "VATCodeDescription",
    }
)


class ConversionError(ValueError):
    """The body cannot be read: one message, no further validation."""


class ValidationError(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\r\n".join(messages))
        self.messages = messages


def conversion_message(prop: str, edm: str) -> str:
    return (
        "Error processing request stream. Error encountered in converting the value from request "
        f"payload for property '{prop}' to type '{edm}', which is the property's expected type. "
        "See inner exception for more detail."
    )


def check_properties(body: Body, allowed: frozenset[str] | set[str], type_name: str) -> None:
    for name in body:
        if name not in allowed and name not in READ_ONLY:
            raise ConversionError(
                f"Error processing request stream. The property name '{name}' specified "
                f"for type '{type_name}' is not valid."
            )


def guid(body: Body, prop: str) -> uuid.UUID | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.Guid"))
    try:
        return uuid.UUID(value.strip().strip("{}"))
    except ValueError:
        raise ConversionError(conversion_message(prop, "Edm.Guid")) from None


def amount(body: Body, prop: str) -> Decimal | None:
    value = body.get(prop)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConversionError(conversion_message(prop, "Edm.Double"))
    try:
        if isinstance(value, int | Decimal):
            return money(Decimal(value))
        if isinstance(value, str):
            return money(Decimal(value.strip()))
    except InvalidOperation:
        pass
    raise ConversionError(conversion_message(prop, "Edm.Double"))


def number(body: Body, prop: str) -> Decimal | None:
    """An Edm.Double that is not money (a rate, a weight): kept as sent."""
    value = body.get(prop)
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConversionError(conversion_message(prop, "Edm.Double"))
    try:
        if isinstance(value, int | Decimal):
            return Decimal(value)
        if isinstance(value, str):
            return Decimal(value.strip())
    except InvalidOperation:
        pass
    raise ConversionError(conversion_message(prop, "Edm.Double"))


def integer(body: Body, prop: str, edm: str = "Edm.Int16") -> int | None:
    value = body.get(prop)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConversionError(conversion_message(prop, edm))
    try:
        return int(value)
    except ValueError:
        raise ConversionError(conversion_message(prop, edm)) from None


def int32(body: Body, prop: str) -> int | None:
    return integer(body, prop, "Edm.Int32")


def text(body: Body, prop: str) -> str | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.String"))
    return value


def boolean(body: Body, prop: str) -> bool | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ConversionError(conversion_message(prop, "Edm.Boolean"))
    return value


def day(body: Body, prop: str) -> date | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.DateTime"))
    try:
        return local_date(parse_input_datetime(value.strip()))
    except ValueError:
        raise ConversionError(conversion_message(prop, "Edm.DateTime")) from None


def moment(body: Body, prop: str) -> datetime | None:
    """A date sent for a property the sandbox only stores and shows (Dutch local midnight)."""
    found = day(body, prop)
    return datetime.combine(found, datetime.min.time(), tzinfo=AMSTERDAM) if found is not None else None


def lines(body: Body, prop: str) -> list[Body]:
    value = body.get(prop)
    if value is None:
        return []
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]  # the verbose form {"results": [...]} is accepted too
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConversionError(f"Error processing request stream. The property '{prop}' must be an array of entries.")
    return value


Reader = Callable[[Body, str], object]

# Properties Exact accepts that the sandbox only stores and shows back (no rule of its own uses them).
KEPT: Mapping[str, Reader] = {
    "Document": guid,
    "OffsetID": guid,
    "OrderNumber": int32,
    "BatchNumber": int32,
    "ExternalLinkReference": text,
    "ExternalLinkDescription": text,
    "PaymentCondition": text,
    "GAccountAmountFC": amount,
    "From": moment,
    "To": moment,
    "SerialNumber": text,
    "IntraStatArea": text,
    "IntraStatCountry": text,
    "IntraStatDeliveryTerm": text,
    "IntraStatTransactionA": text,
    "IntraStatTransactionB": text,
    "IntraStatTransportMethod": text,
    "StatisticalNetWeight": number,
    "StatisticalNumber": text,
    "StatisticalQuantity": number,
    "StatisticalValue": number,
    "VATNonDeductiblePercentage": number,
    "WithholdingTax": text,
}

# References to things the sandbox does not have: any value is refused as Exact refuses a wrong one.
NO_SUCH: Mapping[str, tuple[str, Reader]] = {
    "CostCenter": ("Cost center", text),
    "CostUnit": ("Cost unit", text),
    "Project": ("Project", guid),
    "Asset": ("Asset", guid),
    "Subscription": ("Subscription", guid),
    "TrackingNumber": ("Tracking number", text),
}


def kept(body: Body, allowed: frozenset[str] | set[str]) -> dict[str, object]:
    """The stored-and-shown properties present in the body, converted."""
    return {name: reader(body, name) for name, reader in KEPT.items() if name in allowed and body.get(name) is not None}


def no_such_references(body: Body, allowed: frozenset[str] | set[str], errors: list[str]) -> None:
    for name, (label, reader) in NO_SUCH.items():
        if name not in allowed:
            continue
        value = reader(body, name)
        if value is not None and (not isinstance(value, str) or value.strip()):
            errors.append(f"Invalid reference: {label}")
