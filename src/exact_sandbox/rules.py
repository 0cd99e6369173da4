"""Rules every kind of entry shares: journals, periods, G/L accounts, VAT codes and VAT, entry numbers,
and the ledger (financialtransaction/TransactionLines) an entry becomes.

Functions that check append Exact's messages to `errors` and return what they found; the posters
(`posting`, `invoices`) raise `ValidationError` with all of them at the end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .bodies import Body, text
from .formats import money
from .models import Division, EntryLine, GLAccount, Journal, TransactionLine, VATCode

LINE_NORMAL, LINE_VAT, LINE_OPEN_ITEM = 1, 2, 3  # sandbox numbering (FIDELITY.md): 3 = receivable/payable
BALANCE_SHEET_GL_TYPES = frozenset({10, 12, 20, 22, 24})  # cash, bank, receivable, payable, VAT


@dataclass
class Line:
    """A line being posted: as stored, with its account, VAT code, net and gross amount."""

    raw: EntryLine
    gl: GLAccount | None
    vat: VATCode | None
    net: Decimal
    total: Decimal


def journal(division: Division, code: str | None, journal_type: int, kind: str, errors: list[str]) -> Journal | None:
    """The journal named by ``code`` if it exists and has the wanted type; Exact's messages otherwise."""
    if code is None or not code.strip():
        errors.append("Mandatory: Journal")
        return None
    found = division.journals.get(code.strip())
    if found is None:
        errors.append(f"Invalid reference: Journal '{code.strip()}'")
    elif found.type != journal_type:
        errors.append(f"Invalid journal. The journal must be a {kind} journal.")
    return found


def period(division: Division, year: int, number: int, errors: list[str]) -> None:
    found = division.periods.get((year, number))
    if found is None:
        errors.append(f"Financial period does not exist: {year}/{number}")
    elif found.closed:
        errors.append(f"Financial period is closed: {year}/{number}")


def gl_account(division: Division, gl_id: uuid.UUID | None, errors: list[str]) -> GLAccount | None:
    if gl_id is None:
        errors.append("Mandatory: G/L account")
        return None
    gl = division.gl_accounts.get(gl_id)
    if gl is None:
        errors.append(f"Invalid reference: G/L account {gl_id}")
    elif gl.is_blocked:
        errors.append(f"Blocked: G/L account {gl.code} - {gl.description}")
    return gl


def vat_code(division: Division, code: str | None, errors: list[str]) -> VATCode | None:
    if code is None or not code.strip():
        return None
    vat = division.vat_codes.get(code.strip())
    if vat is None:
        errors.append(f"Invalid reference: VAT code '{code.strip()}'")
    elif vat.is_blocked:
        errors.append(f"Blocked: VAT code '{code.strip()}'")
    return vat


def vat_split(
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


def currency(body: Body, errors: list[str]) -> None:
    found = text(body, "Currency")
    if found is not None and found.strip().upper() != "EUR":
        errors.append(f"Invalid reference: Currency '{found}' (the sandbox emulates EUR only)")


def next_number(division: Division, journal_code: str, year: int, wanted: int | None, errors: list[str]) -> int:
    if wanted is not None:
        if any(e.entry_number == wanted and e.journal_code == journal_code for e in division.entries.values()):
            errors.append(f"Duplicate: Entry number {wanted}")
        return wanted
    seq = division.entry_sequences.get((journal_code, year), 0) + 1
    return int(f"{year % 100:02d}{int(journal_code):02d}{seq:04d}")


def commit_number(division: Division, journal_code: str, year: int, wanted: int | None) -> None:
    if wanted is None:
        key = (journal_code, year)
        division.entry_sequences[key] = division.entry_sequences.get(key, 0) + 1


def ledger_lines(lines: list[Line], sign: int, vat_side: str | None) -> list[TransactionLine]:
    """Ledger postings of the lines: the net amount on the line's account plus a generated VAT line.

    `sign` turns a line amount into a ledger amount (debit positive): +1 for general journal and
    purchase lines, -1 for sales lines (revenue is a credit). The VAT goes to the code's GL-to-pay
    (`vat_side` "pay", sales) or GL-to-claim ("claim", purchases) — a credit note reverses the same
    account; general journal lines (`vat_side` None) use GL-to-pay for credits, GL-to-claim for debits.
    """
    out: list[TransactionLine] = []
    for line in lines:
        raw = line.raw
        net, tax = sign * line.net, sign * raw.vat_amount
        out.append(
            TransactionLine(
                uuid.uuid4(),
                len(out) + 1,
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
                account=raw.account,
            )
        )
        if not tax or line.vat is None:
            continue
        side = vat_side or ("pay" if tax < 0 else "claim")
        vat_gl = line.vat.gl_to_pay if side == "pay" else line.vat.gl_to_claim
        if vat_gl is None:
            continue
        out.append(
            TransactionLine(
                uuid.uuid4(),
                len(out) + 1,
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


def open_item_line(
    number: int, gl: uuid.UUID, amount: Decimal, on: date, description: str | None, relation: uuid.UUID
) -> TransactionLine:
    """The receivable (sales) or payable (purchases) line of an invoice entry, on the relation."""
    zero = Decimal(0)
    return TransactionLine(
        uuid.uuid4(),
        number,
        LINE_OPEN_ITEM,
        gl,
        amount,
        None,
        zero,
        zero,
        zero,
        on,
        description,
        None,
        account=relation,
    )
