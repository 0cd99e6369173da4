"""Journals for tests: a cash journal and an invoice that balance, stored as the ERP would submit them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerlink.journals.actions import submit_journal
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.models import Journal


def cash_journal(reference: str, day: date, amount: str = "121.00", connector: int = 1) -> JournalIn:
    net = (Decimal(amount) / Decimal("1.21")).quantize(Decimal("0.01"))
    return JournalIn(
        reference=reference,
        kind="cash",
        connector=connector,
        date=day,
        description=f"Kas {reference}",
        lines=[
            LineIn(ledger_code="1000", debit=Decimal(amount), description="Contant"),
            LineIn(
                ledger_code="8000", credit=net, vat_code="2", vat_amount=Decimal(amount) - net, description="Omzet hoog"
            ),
        ],
    )


def invoice_journal(reference: str, day: date, credit_note: bool = False) -> JournalIn:
    """A sales invoice of 200.00 + 21 % VAT to customer 1000; a credit note takes the sides the other way."""
    total, net, vat = Decimal("242.00"), Decimal("200.00"), Decimal("42.00")
    return JournalIn(
        reference=reference,
        kind="invoice",
        connector=1,
        date=day,
        description=f"Factuur {reference}",
        relation_code="1000",
        lines=[
            LineIn(ledger_code="1300", **({"credit": total} if credit_note else {"debit": total})),
            LineIn(
                ledger_code="8000",
                **({"debit": net} if credit_note else {"credit": net}),
                vat_code="2",
                vat_amount=vat,
                description="Levering",
            ),
        ],
    )


def purchase_journal(
    reference: str, day: date, invoice_number: str = "", supplier: str = "2001", credit_note: bool = False
) -> JournalIn:
    """A supplier's invoice of 100.00 + 21 % purchase VAT (code 6) on costs (7000), the payable on 1600 (which
    Exact makes itself); a credit note takes the sides the other way."""
    total, net, vat = Decimal("121.00"), Decimal("100.00"), Decimal("21.00")
    return JournalIn(
        reference=reference,
        kind="purchase",
        connector=1,
        date=day,
        description=f"Inkoop {reference}",
        relation_code=supplier,
        invoice_number=invoice_number,
        lines=[
            LineIn(
                ledger_code="7000",
                **({"credit": net} if credit_note else {"debit": net}),
                vat_code="6",
                vat_amount=vat,
                description="Drukwerk",
            ),
            LineIn(ledger_code="1600", **({"debit": total} if credit_note else {"credit": total})),
        ],
    )


def submit(company, journal_in: JournalIn) -> Journal:  # type: ignore[no-untyped-def]
    return submit_journal(company, journal_in).journal


def entries_with(sandbox, marker: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The sandbox's entries in division 7001 that carry this journal marker."""
    found = []
    for entry in sandbox.entries(7001):
        texts = [entry.get("your_ref") or ""] + [line.get("notes") or "" for line in entry.get("lines", [])]
        if any(marker in text for text in texts):
            found.append(entry)
    return found


def run_imports() -> int:
    """What the worker's ``import-files`` job does in a round: import every waiting file."""
    from ledgerlink.core import clock
    from ledgerlink.journals import import_jobs

    return import_jobs.run_due(clock.now())
