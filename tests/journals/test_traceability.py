"""Traceability in Exact (issue 10): a bookkeeper finds each entry by the ERP's reference and sees the journal's
description; the lookup marker stays where ADR 0005 puts it (Notes of cash lines, YourRef of sales entries)."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerlink.core import clock
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.posting import post_due
from tests.support.journals import cash_journal, entries_with, invoice_journal, submit

pytestmark = pytest.mark.django_db


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def test_a_cash_entry_carries_the_reference_and_description_on_every_line(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("Z-2026-11-30-1", today(clocks)))
    assert post_due(clock.now()) == {"posted": 1}
    [entry] = entries_with(setup.sandbox, journal.marker)
    descriptions = [line.get("description") or "" for line in entry["lines"]]
    assert descriptions and all(text.startswith("Z-2026-11-30-1") for text in descriptions), descriptions
    assert "Contant" in descriptions[0] and "Omzet hoog" in descriptions[1]
    assert all(line.get("notes") == journal.marker for line in entry["lines"])  # the lookup marker, unchanged


def test_a_cash_line_without_its_own_description_shows_the_journals(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    base = cash_journal("Z-7", today(clocks))
    plain = JournalIn(
        **{
            **base.model_dump(),
            "description": "Cash closing store 1",
            "lines": [LineIn(**{**line.model_dump(), "description": ""}) for line in base.lines],
        }
    )
    journal = submit(setup.company, plain)
    post_due(clock.now())
    [entry] = entries_with(setup.sandbox, journal.marker)
    assert all(line.get("description") == "Z-7 Cash closing store 1" for line in entry["lines"])


def test_a_sales_entry_shows_the_reference_in_its_description(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, invoice_journal("F-2026-0042", today(clocks)))
    assert post_due(clock.now()) == {"posted": 1}
    [entry] = entries_with(setup.sandbox, journal.marker)
    assert entry["your_ref"] == journal.marker
    assert (entry.get("description") or "").startswith("F-2026-0042 Factuur F-2026-0042")
    assert all((line.get("description") or "").startswith("F-2026-0042") for line in entry["lines"])
