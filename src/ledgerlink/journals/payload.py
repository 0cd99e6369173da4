"""What is sent to Exact for a validated journal: one entry of the kind's entity (kinds.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ledgerlink.journals.kinds import JournalKind, Lookup, YourRef
from ledgerlink.journals.validation import Result

DESCRIPTION_MAX = 60  # Exact's line descriptions are short; the marker goes into Notes / YourRef
YOUR_REF_MAX = 30  # Exact's YourRef (the relation's own reference)


def _text(value: str, limit: int = DESCRIPTION_MAX) -> str:
    return value[:limit]


def traced(reference: str, text: str) -> str:
    """A description a bookkeeper can trace: the ERP's reference first (so it survives Exact's 60 characters and
    sorts and searches by it), then the text. The lookup marker is not here: it stays in Notes / YourRef."""
    text = text.strip()
    if not text or text == reference:
        return _text(reference)
    return _text(f"{reference} {text}")


def entry(
    spec: JournalKind,
    result: Result,
    day: date,
    description: str,
    marker: str,
    reference: str = "",
    invoice_number: str = "",
) -> dict[str, Any]:
    """The body of the POST that makes a validated journal an entry of its kind in Exact (kinds.py)."""
    lines = []
    for line in result.lines:
        if line.skipped:
            continue  # the receivable or payable line: Exact makes it from the relation and the total
        item: dict[str, Any] = {
            "GLAccount": line.gl_id,
            "AmountFC": line.amount * spec.line_sign,
            "Description": traced(reference, line.description or description),
        }
        if spec.line_date:
            item["Date"] = day
        if spec.marker_in == Lookup.LINE_NOTES:
            item["Notes"] = marker
        if line.vat_code:
            item["VATCode"] = line.vat_code
            item[spec.vat_amount_property] = line.vat_amount * spec.line_sign
        lines.append(item)
    body: dict[str, Any] = {spec.journal_property: result.journal_code, "Currency": "EUR"}
    if spec.invoice_like:
        # No header Description on a GeneralJournalEntry: Exact has none (reference §5.1); each line carries it.
        body["Description"] = traced(reference, description) if reference else _text(description or marker)
        body["EntryDate"] = day
        body[spec.relation_property] = result.relation_id
        # A credit note is an invoice with a negative total, and Exact wants it called one (Type 21 / 31).
        line_total = sum((item["AmountFC"] + item.get(spec.vat_amount_property, 0) for item in lines), Decimal(0))
        body["Type"] = spec.entry_type(line_total)
    if spec.your_ref == YourRef.MARKER:
        body["YourRef"] = marker
    elif spec.your_ref == YourRef.INVOICE_NUMBER:
        body["YourRef"] = _text(invoice_number or reference, YOUR_REF_MAX)
    body[spec.lines_property] = lines
    return body


def total(result: Result) -> Decimal:
    return sum((line.amount for line in result.lines), Decimal("0.00"))
