"""Posting tests reuse the connector fixtures: a company, its admin, and connector 1 connected to the sandbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from exact_sandbox.pytest_plugin import exact_sandbox, exact_sandbox_server  # noqa: F401 - fixtures
from ledgerlink.journals.actions import submit_journal
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.models import Journal
from tests.connectors.conftest import clocks, connected, sandbox_settings, setup  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _short_exact_timeout():  # type: ignore[no-untyped-def]
    # A dropped answer shows up as a read timeout; keep it short so the tests stay quick.
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=2.0):
        yield


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


def invoice_journal(reference: str, day: date) -> JournalIn:
    return JournalIn(
        reference=reference,
        kind="invoice",
        connector=1,
        date=day,
        description=f"Factuur {reference}",
        relation_code="1000",
        lines=[
            LineIn(ledger_code="1300", debit=Decimal("242.00")),
            LineIn(
                ledger_code="8000",
                credit=Decimal("200.00"),
                vat_code="2",
                vat_amount=Decimal("42.00"),
                description="Levering",
            ),
        ],
    )


def submit(company, journal_in: JournalIn) -> Journal:  # type: ignore[no-untyped-def]
    return submit_journal(company, journal_in).journal
