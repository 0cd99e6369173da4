"""Posting rules for GeneralJournalEntries and SalesEntries (reference §5.1, §5.2).

Two kinds of refusal, as on Exact: a *conversion* error (a value of the wrong type, an unknown property)
stops reading the body at once; *validation* errors are collected over the whole entry and returned
together, joined by CR LF. Both answer 400 (see FIDELITY.md for the 500 that older Exact used).

Balance rule for general journal entries: debit positive, credit negative; a line with an excluding
(E) VAT code counts with its VAT added; a line with an including (I) code counts as sent; the sum must
be exactly zero after rounding each amount to cents.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .formats import local_date, money, parse_input_datetime
from .models import Division, Entry, EntryLine, GLAccount, TransactionLine, User, VATCode

LINE_NORMAL, LINE_VAT, LINE_RECEIVABLE = 1, 2, 3
SALES_FORBIDDEN_GL_TYPES = frozenset({10, 12, 20, 22, 24})

GJE_HEADER = {
    "JournalCode",
    "FinancialYear",
    "FinancialPeriod",
    "Currency",
    "ExchangeRate",
    "Reversal",
    "EntryNumber",
    "GeneralJournalEntryLines",
}
GJE_LINE = {
    "GLAccount",
    "AmountFC",
    "AmountVATFC",
    "VATCode",
    "VATPercentage",
    "Date",
    "Description",
    "Notes",
    "OurRef",
    "Account",
    "Quantity",
    "CostCenter",
    "CostUnit",
}
SALES_HEADER = {
    "Customer",
    "Journal",
    "EntryDate",
    "Description",
    "YourRef",
    "ReportingYear",
    "ReportingPeriod",
    "Currency",
    "PaymentReference",
    "Type",
    "EntryNumber",
    "SalesEntryLines",
    "PaymentCondition",
    "DueDate",
}
SALES_LINE = {
    "GLAccount",
    "AmountFC",
    "VATCode",
    "Description",
    "Notes",
    "Quantity",
    "CostCenter",
    "CostUnit",
    "VATAmountFC",
}
# Read-only properties a client may echo back; accepted and ignored.
READ_ONLY = {
    "EntryID",
    "ID",
    "Created",
    "Modified",
    "Division",
    "Status",
    "StatusDescription",
    "Type",
    "TypeDescription",
    "JournalDescription",
    "AmountDC",
    "AmountVATDC",
    "LineNumber",
    "__metadata",
    "GLAccountCode",
    "GLAccountDescription",
    "CustomerName",
    "InvoiceNumber",
}


class ConversionError(ValueError):
    """The body cannot be read: one message, no further validation."""


class ValidationError(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\r\n".join(messages))
        self.messages = messages


def _journal(division, code, journal_type, kind, errors):  # type: ignore[no-untyped-def]
    """The journal named by ``code`` if it exists and has the wanted type; Exact's messages otherwise."""
    if code is None or not code.strip():
        errors.append("Mandatory: Journal")
        return None
    journal = division.journals.get(code.strip())
    if journal is None:
        errors.append(f"Invalid reference: Journal '{code.strip()}'")
    elif journal.type != journal_type:
        errors.append(f"Invalid journal. The journal must be a {kind} journal.")
    return journal


def conversion_message(prop: str, edm: str) -> str:
    return (
        "Error processing request stream. Error encountered in converting the value from request "
        f"payload for property '{prop}' to type '{edm}', which is the property's expected type. "
        "See inner exception for more detail."
    )


def _check_properties(body: dict[str, object], allowed: set[str], type_name: str) -> None:
    for name in body:
        if name not in allowed and name not in READ_ONLY:
            raise ConversionError(
                f"Error processing request stream. The property name '{name}' specified "
                f"for type '{type_name}' is not valid."
            )


def _guid(body: dict[str, object], prop: str) -> uuid.UUID | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.Guid"))
    try:
        return uuid.UUID(value.strip().strip("{}"))
    except ValueError:
        raise ConversionError(conversion_message(prop, "Edm.Guid")) from None


def _amount(body: dict[str, object], prop: str) -> Decimal | None:
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


def _int(body: dict[str, object], prop: str, edm: str = "Edm.Int16") -> int | None:
    value = body.get(prop)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConversionError(conversion_message(prop, edm))
    try:
        return int(value)
    except ValueError:
        raise ConversionError(conversion_message(prop, edm)) from None


def _text(body: dict[str, object], prop: str) -> str | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.String"))
    return value


def _date(body: dict[str, object], prop: str) -> date | None:
    value = body.get(prop)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversionError(conversion_message(prop, "Edm.DateTime"))
    try:
        return local_date(parse_input_datetime(value.strip()))
    except ValueError:
        raise ConversionError(conversion_message(prop, "Edm.DateTime")) from None


def _lines(body: dict[str, object], prop: str) -> list[dict[str, object]]:
    value = body.get(prop)
    if value is None:
        return []
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        value = value["results"]  # the verbose form {"results": [...]} is accepted too
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConversionError(f"Error processing request stream. The property '{prop}' must be an array of entries.")
    return value


@dataclass
class _Line:
    raw: EntryLine
    gl: GLAccount | None
    vat: VATCode | None
    net: Decimal
    total: Decimal


def _period(division: Division, year: int, period: int, errors: list[str]) -> None:
    found = division.periods.get((year, period))
    if found is None:
        errors.append(f"Financial period does not exist: {year}/{period}")
    elif found.closed:
        errors.append(f"Financial period is closed: {year}/{period}")


def _vat_split(
    amount: Decimal, vat: VATCode | None, given: Decimal | None, errors: list[str]
) -> tuple[Decimal, Decimal]:
    """(net, vat) for a line amount under a VAT code."""
    if vat is None:
        if given:
            errors.append("Mandatory: VAT code (a VAT amount was given)")
        return amount, Decimal(0)
    if vat.type == "E":
        tax = given if given is not None else money(amount * vat.percentage)
        return amount, tax
    if vat.type == "I":
        tax = given if given is not None else money(amount * vat.percentage / (1 + vat.percentage))
        return amount - tax, tax
    if given:
        errors.append(f"Invalid: VAT amount with VAT code {vat.code} ({vat.description})")
    return amount, Decimal(0)


def _next_number(division: Division, journal_code: str, year: int, wanted: int | None, errors: list[str]) -> int:
    if wanted is not None:
        if any(e.entry_number == wanted and e.journal_code == journal_code for e in division.entries.values()):
            errors.append(f"Duplicate: Entry number {wanted}")
        return wanted
    seq = division.entry_sequences.get((journal_code, year), 0) + 1
    return int(f"{year % 100:02d}{int(journal_code):02d}{seq:04d}")


def _commit_number(division: Division, journal_code: str, year: int, wanted: int | None) -> None:
    if wanted is None:
        key = (journal_code, year)
        division.entry_sequences[key] = division.entry_sequences.get(key, 0) + 1


def _gl(division: Division, gl_id: uuid.UUID | None, errors: list[str]) -> GLAccount | None:
    if gl_id is None:
        errors.append("Mandatory: G/L account")
        return None
    gl = division.gl_accounts.get(gl_id)
    if gl is None:
        errors.append(f"Invalid reference: G/L account {gl_id}")
    elif gl.is_blocked:
        errors.append(f"Blocked: G/L account {gl.code} - {gl.description}")
    return gl


def _vat_code(division: Division, code: str | None, errors: list[str]) -> VATCode | None:
    if code is None or not code.strip():
        return None
    vat = division.vat_codes.get(code.strip())
    if vat is None:
        errors.append(f"Invalid reference: VAT code '{code.strip()}'")
    elif vat.is_blocked:
        errors.append(f"Blocked: VAT code '{code.strip()}'")
    return vat


def _currency(body: dict[str, object], errors: list[str]) -> None:
    currency = _text(body, "Currency")
    if currency is not None and currency.strip().upper() != "EUR":
        errors.append(f"Invalid reference: Currency '{currency}' (the sandbox emulates EUR only)")


def post_general_journal_entry(division: Division, user: User, body: dict[str, object], now: datetime) -> Entry:
    """Validate and store a GeneralJournalEntry; the caller holds the backend lock."""
    type_name = "Exact.Web.Api.Models.GeneralJournalEntry"
    _check_properties(body, GJE_HEADER, type_name)
    errors: list[str] = []
    journal_code = _text(body, "JournalCode")
    year, period = _int(body, "FinancialYear"), _int(body, "FinancialPeriod")
    wanted_number = _int(body, "EntryNumber", "Edm.Int32")
    reversal = body.get("Reversal") is True
    raw_lines = _lines(body, "GeneralJournalEntryLines")
    for raw in raw_lines:
        _check_properties(raw, GJE_LINE, "Exact.Web.Api.Models.GeneralJournalEntryLine")
    _currency(body, errors)

    journal = _journal(division, journal_code, 90, "general", errors)
    if not raw_lines:
        errors.append("Mandatory: General journal entry lines")

    today = local_date(now)
    first_date = _date(raw_lines[0], "Date") if raw_lines else None
    entry_date = first_date or today
    if (year is None) != (period is None):
        errors.append("Mandatory: Financial year and financial period go together")
    if year is None or period is None:
        year, period = entry_date.year, entry_date.month
    _period(division, year, period, errors)

    lines: list[_Line] = []
    for number, raw in enumerate(raw_lines, start=1):
        gl = _gl(division, _guid(raw, "GLAccount"), errors)
        amount = _amount(raw, "AmountFC") or Decimal(0)
        given_vat = _amount(raw, "AmountVATFC")
        code = _text(raw, "VATCode")
        if code is not None and code.strip() and journal is not None and not journal.allow_vat:
            errors.append("Not allowed: VAT-code")
            code = None
        elif code is None and journal is not None and journal.allow_vat and gl is not None:
            code = gl.vat_code  # Exact uses the G/L account's default VAT code when none is sent
        vat = _vat_code(division, code, errors)
        net, tax = _vat_split(amount, vat, given_vat, errors)
        account = _guid(raw, "Account")
        if account is not None and account not in division.accounts:
            errors.append(f"Invalid reference: Account {account}")
        for prop in ("CostCenter", "CostUnit"):
            if _text(raw, prop):
                errors.append(f"Invalid reference: {'Cost center' if prop == 'CostCenter' else 'Cost unit'}")
        _int(raw, "OurRef", "Edm.Int32")
        line = EntryLine(
            uuid.uuid4(),
            number,
            gl.id if gl else uuid.UUID(int=0),
            amount,
            vat.code if vat else None,
            tax,
            net,
            vat.percentage if vat else Decimal(0),
            _date(raw, "Date") or entry_date,
            _text(raw, "Description"),
            _text(raw, "Notes"),
            _amount(raw, "Quantity"),
        )
        lines.append(_Line(line, gl, vat, net, net + tax))

    if lines and not errors:
        difference = sum((line.total for line in lines), Decimal(0))
        if difference != 0:
            errors.append(
                f"The entry is not in balance: the lines add up to {difference:.2f} "
                "(debit positive, credit negative, VAT included)"
            )
    entry_number = _next_number(division, journal.code, year, wanted_number, errors) if journal else 0
    if errors:
        raise ValidationError(errors)
    assert journal is not None
    _commit_number(division, journal.code, year, wanted_number)
    entry = Entry(
        uuid.uuid4(),
        "general",
        division.code,
        journal.code,
        entry_number,
        year,
        period,
        now,
        now,
        entry_date,
        90,
        reversal=reversal,
        creator=user.id,
    )
    entry.lines = [line.raw for line in lines]
    entry.transaction_lines = _ledger_lines(lines, sales=False)
    division.entries[entry.id] = entry
    division.version += 1
    return entry


def _ledger_lines(lines: list[_Line], sales: bool) -> list[TransactionLine]:
    """Ledger postings of the lines: the net amount on the line's account plus a generated VAT line.

    Sales entry lines are credits (revenue) when positive; general journal lines are signed as sent.
    VAT goes to the code's GL-to-pay for credits and GL-to-claim for debits.
    """
    out: list[TransactionLine] = []
    number = 0
    for line in lines:
        raw = line.raw
        sign = Decimal(-1) if sales else Decimal(1)
        net, tax = sign * line.net, sign * raw.vat_amount
        number += 1
        out.append(
            TransactionLine(
                uuid.uuid4(),
                number,
                LINE_NORMAL,
                raw.gl_account,
                net,
                raw.vat_code,
                raw.vat_percentage,
                tax,
                net,
                raw.date,
                raw.description,
                raw.notes,
            )
        )
        if tax and line.vat is not None:
            vat_gl = line.vat.gl_to_pay if tax < 0 else line.vat.gl_to_claim
            if vat_gl is None:
                continue
            number += 1
            out.append(
                TransactionLine(
                    uuid.uuid4(),
                    number,
                    LINE_VAT,
                    vat_gl,
                    tax,
                    raw.vat_code,
                    raw.vat_percentage,
                    tax,
                    net,
                    raw.date,
                    raw.description,
                    raw.notes,
                )
            )
    return out


def post_sales_entry(division: Division, user: User, body: dict[str, object], now: datetime) -> Entry:
    type_name = "Exact.Web.Api.Models.SalesEntry"
    _check_properties(body, SALES_HEADER, type_name)
    errors: list[str] = []
    customer_id = _guid(body, "Customer")
    journal_code = _text(body, "Journal")
    entry_date = _date(body, "EntryDate") or local_date(now)
    year, period = _int(body, "ReportingYear"), _int(body, "ReportingPeriod")
    wanted_number = _int(body, "EntryNumber", "Edm.Int32")
    entry_type = _int(body, "Type", "Edm.Int32") or 20
    description, your_ref = _text(body, "Description"), _text(body, "YourRef")
    payment_reference = _text(body, "PaymentReference")
    raw_lines = _lines(body, "SalesEntryLines")
    for raw in raw_lines:
        _check_properties(raw, SALES_LINE, "Exact.Web.Api.Models.SalesEntryLine")
    _currency(body, errors)

    customer = None
    if customer_id is None:
        errors.append("Mandatory: Customer")
    else:
        customer = division.accounts.get(customer_id)
        if customer is None:
            errors.append(f"Invalid reference: Customer {customer_id}")
        elif not customer.is_sales:
            errors.append(f"Invalid: Customer '{customer.name}' is not a customer (sales relation)")
    journal = _journal(division, journal_code, 20, "sales", errors)
    if entry_type not in (20, 21):
        errors.append(f"Invalid: Type {entry_type} (20 sales entry or 21 sales credit note)")
    if not raw_lines:
        errors.append("Mandatory: Sales entry lines")
    if (year is None) != (period is None):
        errors.append("Mandatory: Reporting year and reporting period go together")
    if year is None or period is None:
        year, period = entry_date.year, entry_date.month
    _period(division, year, period, errors)

    lines: list[_Line] = []
    for number, raw in enumerate(raw_lines, start=1):
        gl = _gl(division, _guid(raw, "GLAccount"), errors)
        if gl is not None and gl.type in SALES_FORBIDDEN_GL_TYPES:
            errors.append(
                f"Invalid: G/L account type ({gl.code} - {gl.description} is a {gl.type_description.lower()} account)"
            )
        amount = _amount(raw, "AmountFC")
        if amount is None:
            errors.append("Mandatory: Amount")
            amount = Decimal(0)
        code = _text(raw, "VATCode")
        if code is None and gl is not None:
            code = gl.vat_code
        vat = _vat_code(division, code, errors)
        if vat is not None and vat.type == "I":
            errors.append(f"Not allowed: VAT code '{vat.code}' includes VAT; sales entry line amounts exclude VAT")
            vat = None
        net, tax = _vat_split(amount, vat, _amount(raw, "VATAmountFC"), errors)
        for prop in ("CostCenter", "CostUnit"):
            if _text(raw, prop):
                errors.append(f"Invalid reference: {'Cost center' if prop == 'CostCenter' else 'Cost unit'}")
        line = EntryLine(
            uuid.uuid4(),
            number,
            gl.id if gl else uuid.UUID(int=0),
            amount,
            vat.code if vat else None,
            tax,
            net,
            vat.percentage if vat else Decimal(0),
            entry_date,
            _text(raw, "Description"),
            _text(raw, "Notes"),
            _amount(raw, "Quantity"),
        )
        lines.append(_Line(line, gl, vat, net, net + tax))
    entry_number = _next_number(division, journal.code, year, wanted_number, errors) if journal else 0
    if errors:
        raise ValidationError(errors)
    assert journal is not None and customer is not None
    _commit_number(division, journal.code, year, wanted_number)
    entry = Entry(
        uuid.uuid4(),
        "sales",
        division.code,
        journal.code,
        entry_number,
        year,
        period,
        now,
        now,
        entry_date,
        entry_type,
        customer=customer.id,
        description=description,
        your_ref=your_ref,
        payment_reference=payment_reference,
        creator=user.id,
    )
    entry.lines = [line.raw for line in lines]
    ledger = _ledger_lines(lines, sales=True)
    total = sum((line.total for line in lines), Decimal(0))
    receivable_gl = customer.gl_ar or division.gl_by_code("1300").id
    ledger.append(
        TransactionLine(
            uuid.uuid4(),
            len(ledger) + 1,
            LINE_RECEIVABLE,
            receivable_gl,
            total,
            None,
            Decimal(0),
            Decimal(0),
            Decimal(0),
            entry_date,
            description,
            None,
            account=customer.id,
        )
    )
    entry.transaction_lines = ledger
    division.entries[entry.id] = entry
    division.version += 1
    return entry


Poster = Callable[[Division, User, dict[str, object], datetime], Entry]
POSTERS: dict[str, Poster] = {"general": post_general_journal_entry, "sales": post_sales_entry}


def post_entry(kind: str, division: Division, user: User, body: dict[str, object], now: datetime) -> Entry:
    """Validate and store an entry of a kind ("general", "sales"); the caller holds the backend lock."""
    return POSTERS[kind](division, user, body, now)


def delete_entry(division: Division, kind: str, entry_id: uuid.UUID) -> Entry | None:
    """Remove an entry and its ledger lines; refuses when its period is closed."""
    entry = division.entries.get(entry_id)
    if entry is None or entry.kind != kind:
        return None
    found = division.periods.get((entry.year, entry.period))
    if found is not None and found.closed:
        raise ValidationError([f"Financial period is closed: {entry.year}/{entry.period}"])
    del division.entries[entry_id]
    division.version += 1
    return entry
