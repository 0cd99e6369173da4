"""Posting general journal entries (reference §5.1), their lines on their own, and removing entries.

`post_entry` is the one entry point for every kind: "general" here, "sales" and "purchase" in
`invoices`. Balance rule for general journal entries: debit positive, credit negative; a line with an
excluding (E) VAT code counts with its VAT added; a line with an including (I) code counts as sent; the
sum must be exactly zero after rounding each amount to cents.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from . import bodies as B
from . import rules as R
from .bodies import ConversionError, ValidationError
from .formats import local_date
from .invoices import PURCHASE, SALES, post_invoice
from .models import Division, Entry, EntryLine, Journal, User

__all__ = ["ConversionError", "ValidationError", "delete_entry", "post_entry", "post_line"]

GJE_TYPE = "Exact.Web.Api.Models.GeneralJournalEntry"
GJE_LINE_TYPE = "Exact.Web.Api.Models.GeneralJournalEntryLine"
GJE_HEADER = frozenset(
    {
        "JournalCode",
        "FinancialYear",
        "FinancialPeriod",
        "Currency",
        "ExchangeRate",
        "Reversal",
        "EntryNumber",
        "GeneralJournalEntryLines",
    }
)
GJE_LINE = frozenset(
    {
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
        "Document",
        "OffsetID",
        "Project",
        "Asset",
        "Subscription",
    }
)


def _gje_line(
    division: Division, journal: Journal | None, raw: B.Body, number: int, entry_date: date, errors: list[str]
) -> R.Line:
    """One general journal line read and checked; its problems go to `errors`."""
    gl = R.gl_account(division, B.guid(raw, "GLAccount"), errors)
    amount = B.amount(raw, "AmountFC") or Decimal(0)
    given_vat = B.amount(raw, "AmountVATFC")
    code = B.text(raw, "VATCode")
    if code is not None and code.strip() and journal is not None and not journal.allow_vat:
        errors.append("Not allowed: VAT-code")
        code = None
    elif code is None and journal is not None and journal.allow_vat and gl is not None:
        code = gl.vat_code  # Exact uses the G/L account's default VAT code when none is sent
    vat = R.vat_code(division, code, errors)
    net, tax = R.vat_split(amount, vat, given_vat, errors)
    account = B.guid(raw, "Account")
    if account is not None and account not in division.accounts:
        errors.append(f"Invalid reference: Account {account}")
    B.no_such_references(raw, GJE_LINE, errors)
    B.number(raw, "VATPercentage")  # read for its type; the VAT code's percentage applies
    our_ref = B.int32(raw, "OurRef")
    line = EntryLine(
        uuid.uuid4(),
        number,
        gl.id if gl else uuid.UUID(int=0),
        amount,
        vat.code if vat else None,
        tax,
        net,
        vat.percentage if vat else Decimal(0),
        B.day(raw, "Date") or entry_date,
        B.text(raw, "Description"),
        B.text(raw, "Notes"),
        B.amount(raw, "Quantity"),
        account=account,
        extras={**B.kept(raw, GJE_LINE), **({"OurRef": our_ref} if our_ref is not None else {})},
    )
    return R.Line(line, gl, vat, net, net + tax)


def _balance(lines: list[R.Line], errors: list[str]) -> None:
    difference = sum((line.total for line in lines), Decimal(0))
    if difference != 0:
        errors.append(
            f"The entry is not in balance: the lines add up to {difference:.2f} "
            "(debit positive, credit negative, VAT included)"
        )


def post_general_journal_entry(division: Division, user: User, body: B.Body, now: datetime) -> Entry:
    """Validate and store a GeneralJournalEntry; the caller holds the backend lock."""
    B.check_properties(body, GJE_HEADER, GJE_TYPE)
    errors: list[str] = []
    journal_code = B.text(body, "JournalCode")
    year, period = B.integer(body, "FinancialYear"), B.integer(body, "FinancialPeriod")
    wanted_number = B.int32(body, "EntryNumber")
    reversal = body.get("Reversal") is True
    raw_lines = B.lines(body, "GeneralJournalEntryLines")
    for raw in raw_lines:
        B.check_properties(raw, GJE_LINE, GJE_LINE_TYPE)
    R.currency(body, errors)

    journal = R.journal(division, journal_code, 90, "general", errors)
    if not raw_lines:
        errors.append("Mandatory: General journal entry lines")

    first_date = B.day(raw_lines[0], "Date") if raw_lines else None
    entry_date = first_date or local_date(now)
    if (year is None) != (period is None):
        errors.append("Mandatory: Financial year and financial period go together")
    if year is None or period is None:
        year, period = entry_date.year, entry_date.month
    R.period(division, year, period, errors)

    lines = [_gje_line(division, journal, raw, n, entry_date, errors) for n, raw in enumerate(raw_lines, start=1)]
    if lines and not errors:
        _balance(lines, errors)
    entry_number = R.next_number(division, journal.code, year, wanted_number, errors) if journal else 0
    if errors:
        raise ValidationError(errors)
    assert journal is not None
    R.commit_number(division, journal.code, year, wanted_number)
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
        creator_name=user.full_name,
    )
    entry.lines = [line.raw for line in lines]
    entry.transaction_lines = R.ledger_lines(lines, 1, None)
    division.entries[entry.id] = entry
    division.version += 1
    return entry


def post_general_journal_entry_line(
    division: Division, user: User, body: B.Body, now: datetime
) -> tuple[Entry, EntryLine]:
    """POST generaljournalentry/GeneralJournalEntryLines: one more line on an existing entry (`EntryID`).

    The entry must stay in balance, so a line on its own must add up to zero (VAT included): the
    sandbox's strict reading, FIDELITY.md. The entry is replaced by a copy with the new line.
    """
    B.check_properties(body, GJE_LINE | {"EntryID"}, GJE_LINE_TYPE)
    errors: list[str] = []
    entry_id = B.guid(body, "EntryID")
    entry = division.entries.get(entry_id) if entry_id is not None else None
    if entry_id is None:
        errors.append("Mandatory: Entry ID")
    elif entry is None or entry.kind != "general":
        errors.append(f"Invalid reference: General journal entry {entry_id}")
    if entry is None:
        raise ValidationError(errors)
    R.period(division, entry.year, entry.period, errors)
    journal = division.journals[entry.journal_code]
    line = _gje_line(division, journal, body, len(entry.lines) + 1, entry.entry_date, errors)
    if not errors:
        _balance([line], errors)
    if errors:
        raise ValidationError(errors)
    grown = dataclasses.replace(
        entry,
        modified=now,
        lines=[*entry.lines, line.raw],
        transaction_lines=[*entry.transaction_lines],
        row_cache={},
    )
    for t in R.ledger_lines([line], 1, None):
        grown.transaction_lines.append(dataclasses.replace(t, line_number=len(grown.transaction_lines) + 1))
    division.entries[grown.id] = grown
    division.version += 1
    return grown, line.raw


Poster = Callable[[Division, User, B.Body, datetime], Entry]
POSTERS: dict[str, Poster] = {
    "general": post_general_journal_entry,
    "sales": lambda division, user, body, now: post_invoice(SALES, division, user, body, now),
    "purchase": lambda division, user, body, now: post_invoice(PURCHASE, division, user, body, now),
}
LINE_POSTERS = {"general": post_general_journal_entry_line}


def post_entry(kind: str, division: Division, user: User, body: B.Body, now: datetime) -> Entry:
    """Validate and store an entry of a kind ("general", "sales", "purchase"); the caller holds the lock."""
    return POSTERS[kind](division, user, body, now)


def post_line(kind: str, division: Division, user: User, body: B.Body, now: datetime) -> tuple[Entry, EntryLine]:
    """Validate and add one line to an existing entry of a kind (only "general" takes lines on their own)."""
    return LINE_POSTERS[kind](division, user, body, now)


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
