"""What is sent to Exact for a validated journal: one GeneralJournalEntry or one SalesEntry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerlink.journals.validation import Result

DESCRIPTION_MAX = 60  # Exact's line descriptions are short; the marker goes into Notes / YourRef


def _text(value: str, limit: int = DESCRIPTION_MAX) -> str:
    return value[:limit]


def traced(reference: str, text: str) -> str:
    """A description a bookkeeper can trace: the ERP's reference first (so it survives Exact's 60 characters and
    sorts and searches by it), then the text. The lookup marker is not here: it stays in Notes / YourRef."""
    text = text.strip()
    if not text or text == reference:
        return _text(reference)
    return _text(f"{reference} {text}")


def general_journal_entry(
    result: Result, day: date, description: str, marker: str, reference: str = ""
) -> dict[str, Any]:
    lines = []
    for line in result.lines:
        item: dict[str, Any] = {
            "GLAccount": line.gl_id,
            "AmountFC": line.amount,
            "Date": day,
            "Description": traced(reference, line.description or description),
            "Notes": marker,
        }
        if line.vat_code:
            item["VATCode"] = line.vat_code
            item["AmountVATFC"] = line.vat_amount
        lines.append(item)
    # No header Description: Exact's GeneralJournalEntry has none (reference §5.1); each line carries it.
    return {"JournalCode": result.journal_code, "Currency": "EUR", "GeneralJournalEntryLines": lines}


def sales_entry(result: Result, day: date, description: str, marker: str, reference: str = "") -> dict[str, Any]:
    lines = []
    for line in result.lines:
        if line.skipped:
            continue
        # Sales lines are revenue: a credit on the journal is a positive amount on the invoice.
        item: dict[str, Any] = {
            "GLAccount": line.gl_id,
            "AmountFC": -line.amount,
            "Description": traced(reference, line.description or description),
        }
        if line.vat_code:
            item["VATCode"] = line.vat_code
            item["VATAmountFC"] = -line.vat_amount
        lines.append(item)
    return {
        "Journal": result.journal_code,
        "Customer": result.customer_id,
        "EntryDate": day,
        "Currency": "EUR",
        "YourRef": marker,
        "Description": traced(reference, description) if reference else _text(description or marker),
        "SalesEntryLines": lines,
    }


def total(result: Result) -> Decimal:
    return sum((line.amount for line in result.lines), Decimal("0.00"))
