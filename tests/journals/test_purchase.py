"""Purchase journals and credit notes (issue 17): checked, posted to the sandbox's PurchaseEntries exactly once,
found again after a lost answer, and a property: any valid purchase journal posts and the ledger balances."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerlink.core import clock
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from tests.support.journals import entries_with, invoice_journal, purchase_journal, submit

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
# The seed's VAT codes a purchase line may carry (FIDELITY.md): purchase-only 6 and 7, and those for both.
PURCHASE_VAT = {"6": Decimal("0.21"), "7": Decimal("0.09"), "2": Decimal("0.21"), "1": Decimal("0.09"), "0": Decimal(0)}


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def only_entry(setup, journal: Journal) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    found = entries_with(setup.sandbox, journal.marker)
    assert len(found) == 1, found
    return found[0]


def test_a_purchase_journal_becomes_a_purchase_entry_of_the_supplier(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, purchase_journal("INK-1", today(clocks), invoice_number="VV-2026-0042"))
    assert post_due(clock.now()) == {"posted": 1}, Journal.objects.get().status_message
    journal.refresh_from_db()
    assert journal.status == "posted" and journal.exact_entry_number.startswith(f"{today(clocks):%y}60")
    entry = only_entry(setup, journal)
    assert (entry["kind"], entry["journal_code"], entry["type"], entry["your_ref"]) == (
        "purchase",
        "60",
        30,
        "VV-2026-0042",
    )
    assert entry["supplier"] and entry["customer"] is None
    # Costs and the VAT to claim debit, the supplier's payable (1600) is credited with the total: Exact made it.
    ledger = {(t["gl_account_code"], Decimal(t["amount"])) for t in entry["transaction_lines"]}
    assert ledger == {("7000", Decimal("100.00")), ("1520", Decimal("21.00")), ("1600", Decimal("-121.00"))}
    assert [line["notes"] for line in entry["lines"]] == [journal.marker]


def test_a_purchase_credit_note_and_a_sales_credit_note_are_posted_as_credit_notes(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    purchase = submit(setup.company, purchase_journal("INK-CN", today(clocks), credit_note=True))
    sales = submit(setup.company, invoice_journal("F-CN", today(clocks), credit_note=True))
    assert post_due(clock.now()) == {"posted": 2}, [j.status_message for j in Journal.objects.all()]
    bought, sold = only_entry(setup, purchase), only_entry(setup, sales)
    assert (bought["type"], sold["type"]) == (31, 21)
    assert sum(Decimal(line["amount_fc"]) for line in bought["lines"]) == Decimal("-100.00")
    assert sum(Decimal(line["amount_fc"]) for line in sold["lines"]) == Decimal("-200.00")
    for entry in (bought, sold):
        assert sum(Decimal(t["amount"]) for t in entry["transaction_lines"]) == 0
    payable = [t for t in bought["transaction_lines"] if t["gl_account_code"] == "1600"]
    assert [Decimal(t["amount"]) for t in payable] == [Decimal("121.00")]  # the supplier owes us now


def test_a_lost_answer_to_a_purchase_is_looked_up_and_never_posted_twice(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    submit(setup.company, purchase_journal("INK-WARM", today(clocks)))
    post_due(clock.now())  # warms the cache
    journal = submit(setup.company, purchase_journal("INK-DROP", today(clocks)))
    setup.sandbox.add_fault("drop_after_commit", method="POST", path="PurchaseEntries")
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown" and journal.needs_lookup
    assert len(entries_with(setup.sandbox, journal.marker)) == 1
    clocks.advance(15)
    post_due(clock.now())
    journal.refresh_from_db()
    entry = only_entry(setup, journal)
    assert journal.status == "posted" and journal.exact_entry_number == str(entry["entry_number"])
    assert [a.action for a in journal.attempts.all()] == ["post", "reconcile"]


def test_a_purchase_the_sandbox_never_wrote_is_looked_up_then_posted_once(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, purchase_journal("INK-503", today(clocks)))
    setup.sandbox.add_fault("status", method="POST", path="PurchaseEntries", status=503)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "unknown" and entries_with(setup.sandbox, journal.marker) == []
    clocks.advance(15)
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted"
    only_entry(setup, journal)
    assert [a.outcome for a in journal.attempts.all()] == ["unknown", "absent", "posted"]


def test_a_customer_as_supplier_fails_before_anything_is_sent(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    submit(setup.company, purchase_journal("INK-OK", today(clocks)))
    post_due(clock.now())  # warms the cache
    used = setup.sandbox.state()["rate_limits"][0]["minutely_used"]
    journal = submit(setup.company, purchase_journal("INK-CUST", today(clocks), supplier="1000"))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed" and journal.status_message.code == "journal.supplier_missing"
    assert "Supplier 1000 does not exist in Exact as a supplier" in journal.status_message.text()
    assert setup.sandbox.state()["rate_limits"][0]["minutely_used"] == used  # not one call


# --- the property ---------------------------------------------------------------------------------------------

_references = itertools.count()


@st.composite
def purchase_lines(draw: st.DrawFn) -> list[LineIn]:
    """One to four cost lines on P&L accounts with purchase VAT codes, either side, and the payable that balances
    them (a credit note when the costs are credited on balance)."""
    lines = []
    owed = Decimal("0.00")
    for _ in range(draw(st.integers(1, 4))):
        cents = draw(st.integers(1, 10**7))
        amount = Decimal(cents) * CENT
        code = draw(st.sampled_from(sorted(PURCHASE_VAT)))
        vat = (amount * PURCHASE_VAT[code]).quantize(CENT, ROUND_HALF_UP)
        ledger = draw(st.sampled_from(["7000", "4000"]))
        if draw(st.booleans()):
            lines.append(LineIn(ledger_code=ledger, debit=amount, vat_code=code, vat_amount=vat))
            owed += amount + vat
        else:
            lines.append(LineIn(ledger_code=ledger, credit=amount, vat_code=code, vat_amount=vat))
            owed -= amount + vat
    if owed == 0:
        lines.append(LineIn(ledger_code="7000", debit=CENT, vat_code="0"))
        owed = CENT
    lines.append(LineIn(ledger_code="1600", credit=owed) if owed > 0 else LineIn(ledger_code="1600", debit=-owed))
    return lines


def test_any_valid_purchase_journal_posts_once_and_the_sandboxs_ledger_balances(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    setup.sandbox.set_limits(minutely=10**9, daily=10**9, errors_per_hour=10**9)
    day = today(clocks)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(lines=purchase_lines(), supplier=st.sampled_from(["2000", "2001", "2002"]))
    def posts_and_balances(lines: list[LineIn], supplier: str) -> None:
        reference = f"P-{next(_references)}"
        journal_in = JournalIn(
            reference=reference,
            kind="purchase",
            connector=1,
            date=day,
            relation_code=supplier,
            invoice_number=f"INV {reference}",
            lines=lines,
        )
        journal = submit(setup.company, journal_in)
        post_due(clock.now())
        journal.refresh_from_db()
        assert journal.status == "posted", (journal.status_message, lines)
        entry = only_entry(setup, journal)
        assert sum(Decimal(t["amount"]) for t in entry["transaction_lines"]) == 0
        costs = sum(((ln.debit - ln.credit) for ln in lines if ln.ledger_code != "1600"), Decimal(0))
        assert entry["type"] == (31 if costs + sum(ln.vat_amount * (1 if ln.debit else -1) for ln in lines) < 0 else 30)
        assert entry["your_ref"] == f"INV {reference}"

    posts_and_balances()
