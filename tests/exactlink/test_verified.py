"""Client tests that hold against the sandbox and against real Exact (`exact_verified`, off by default).

They only assume what any Exact test administration has: a supplier, a purchase journal, a cost
account. Entries they post carry a unique YourRef and are deleted again.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from exactlink import F, Guid, Query

from .exact_target import ExactTarget

pytestmark = pytest.mark.exact_verified


def test_me_and_the_divisions_of_the_user(exact: ExactTarget) -> None:
    client = exact.client()
    assert isinstance(client.me()["CurrentDivision"], int)
    codes = [d["Code"] for d in client.division(exact.division).divisions.iterate()]
    assert exact.division in codes


def test_selecting_properties_of_the_recorded_bodies(exact: ExactTarget) -> None:
    division = exact.client().division(exact.division)
    account = division.gl_accounts.first(
        Query().select("ID", "Code", "YearEndCostGLAccount", "ExcludeVATListing", "Compress")
    )
    assert account is not None and set(account) >= {"ID", "Code", "Compress"}
    relation = division.accounts.first(Query().select("ID", "ChamberOfCommerce", "GLAccountPurchase", "Language"))
    assert relation is not None and "GLAccountPurchase" in relation
    assert division.gl_accounts.count() >= 1


def _purchase_setup(exact: ExactTarget) -> tuple[object, str, str, str]:
    division = exact.client().division(exact.division)
    supplier = division.accounts.first(Query().select("ID").filter(F("IsSupplier") == True))  # noqa: E712
    journal = division.journals.first(Query().select("Code").filter(F("Type") == 22))
    cost = division.gl_accounts.first(
        Query().select("ID").filter((F("Type") == 111) & (F("IsBlocked") == False))  # noqa: E712
    )
    if supplier is None or journal is None or cost is None:
        pytest.skip("this administration has no supplier, purchase journal or cost-of-goods account")
    return division, supplier["ID"], str(journal["Code"]).strip(), cost["ID"]


@pytest.mark.parametrize(("amount", "entry_type"), [(Decimal("10.00"), 30), (Decimal("-10.00"), 31)])
def test_a_purchase_entry_and_a_purchase_credit_note_round_trip(
    exact: ExactTarget, amount: Decimal, entry_type: int
) -> None:
    division, supplier, journal, cost = _purchase_setup(exact)
    your_ref = f"LL-TEST-{uuid.uuid4().hex[:12]}"
    created = division.purchase_entries.create(  # type: ignore[attr-defined]
        {
            "Supplier": supplier,
            "Journal": journal,
            "YourRef": your_ref,
            "Description": "ledgerlink verified test",
            "PurchaseEntryLines": [{"GLAccount": cost, "AmountFC": amount, "Description": "test"}],
        }
    )
    try:
        found = division.purchase_entries.list(Query().filter(F("YourRef") == your_ref))  # type: ignore[attr-defined]
        assert [entry["EntryID"] for entry in found] == [created["EntryID"]]
        assert found[0]["Type"] == entry_type
        assert (found[0]["AmountFC"] < 0) == (amount < 0)
        ledger = division.transaction_lines.list(Query().filter(F("EntryID") == Guid(created["EntryID"])))
        assert ledger and sum(line["AmountDC"] for line in ledger) == 0
    finally:
        division.purchase_entries.delete(created["EntryID"])  # type: ignore[attr-defined]
    assert division.purchase_entries.list(Query().filter(F("YourRef") == your_ref)) == []  # type: ignore[attr-defined]
