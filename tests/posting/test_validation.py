"""The validation table: each rule, each message, from a hand-made cache (no Exact needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from ledgerlink.journals.references import References
from ledgerlink.journals.validation import JournalData, LineData, MappingRules, validate

REFS = References(
    fetched_at=datetime(2026, 3, 1, tzinfo=UTC),
    gl={
        code: {
            "id": f"id-{code}",
            "code": code,
            "description": name,
            "type": typ,
            "balance_type": "W",
            "blocked": blocked,
            "vat_code": default_vat,
        }
        for code, name, typ, blocked, default_vat in [
            ("1000", "Kas", 10, False, ""),
            ("1010", "PIN", 90, False, ""),
            ("1300", "Debiteuren", 20, False, ""),
            ("8000", "Omzet hoog", 110, False, "2"),
            ("8010", "Omzet laag", 110, False, "1"),
            ("4990", "Vervallen", 120, True, ""),
            ("8999", "Onbekende omzet", 110, False, ""),
        ]
    },
    vat={
        code: {"code": code, "description": desc, "type": typ, "percentage": pct, "blocked": False}
        for code, desc, typ, pct in [
            ("0", "Geen btw", "N", "0"),
            ("1", "9% excl.", "E", "0.09"),
            ("2", "21% excl.", "E", "0.21"),
            ("4", "21% incl.", "I", "0.21"),
        ]
    },
    journals={
        "90": {"code": "90", "description": "Memoriaal", "type": 90, "allow_vat": True},
        "91": {"code": "91", "description": "Memoriaal zonder btw", "type": 90, "allow_vat": False},
        "70": {"code": "70", "description": "Verkoop", "type": 20, "allow_vat": True},
        "10": {"code": "10", "description": "Kas", "type": 10, "allow_vat": True},
    },
    customers={"1": {"id": "cust-1", "code": "1", "name": "Kassaklant"}},
    periods=[
        {
            "year": 2026,
            "period": m,
            "start": date(2026, m, 1).isoformat(),
            "end": (date(2026, m + 1, 1) if m < 12 else date(2027, 1, 1)).isoformat(),
        }
        for m in range(1, 13)
    ],
    closed={"2026/2"},
)
DAY = date(2026, 3, 14)


def cash(*lines: LineData, day: date = DAY) -> JournalData:
    return JournalData("cash", day, "Kas 14-3", "", list(lines))


def line(no: int, ledger: str, debit: str = "0", credit: str = "0", vat: str = "", vat_amount: str = "0") -> LineData:
    return LineData(no, ledger, D(debit), D(credit), vat, D(vat_amount))


BALANCED = (line(1, "1000", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))


def test_a_balanced_cash_journal_maps_every_line() -> None:
    result = validate(cash(*BALANCED), REFS, MappingRules(), 7001)
    assert result.ok, result.problems
    assert result.journal_code == "90" and result.period == (2026, 3)
    assert [(m.gl_code, m.amount, m.vat_code, m.vat_amount) for m in result.lines] == [
        ("1000", D("121.00"), "", D("0.00")),
        ("8000", D("-100.00"), "2", D("-21.00")),
    ]


def test_including_vat_counts_as_given() -> None:
    journal = cash(line(1, "1000", debit="121.00"), line(2, "8000", credit="121.00", vat="4", vat_amount="21.00"))
    assert validate(journal, REFS, MappingRules(), 7001).ok


def test_a_line_without_vat_on_an_account_with_default_vat_says_no_vat() -> None:
    journal = cash(line(1, "1000", debit="50.00"), line(2, "8000", credit="50.00"))
    result = validate(journal, REFS, MappingRules(), 7001)
    assert result.ok and result.lines[1].vat_code == "0"


@pytest.mark.parametrize(
    ("journal", "rules", "message"),
    [
        (
            cash(line(1, "1000", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="20.00")),
            MappingRules(),
            "VAT amount 20.00 does not fit VAT code 2",
        ),
        (
            cash(line(1, "1000", debit="100.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00")),
            MappingRules(),
            "not in balance: debit 100.00, credit 121.00 (VAT included), difference 21.00",
        ),
        (
            cash(line(1, "1000", debit="10.00"), line(2, "8050", credit="10.00")),
            MappingRules(),
            "Line 2: ledger 8050 has no GL account in Exact. Create GL account 8050 in Exact, or map ledger 8050",
        ),
        (
            cash(line(1, "1000", debit="10.00"), line(2, "4990", credit="10.00")),
            MappingRules(),
            "Line 2: GL account 4990 (Vervallen) is blocked in Exact",
        ),
        (
            cash(line(1, "1000", debit="10.90"), line(2, "8010", credit="10.00", vat="7", vat_amount="0.90")),
            MappingRules(),
            "Line 2: VAT code 7 does not exist in Exact",
        ),
        (cash(*BALANCED), MappingRules(cash_journal_code="95"), "Journal 95 does not exist in Exact division 7001"),
        (
            cash(*BALANCED),
            MappingRules(cash_journal_code="10"),
            "Journal 10 (Kas) is not a general (memoriaal) journal",
        ),
        (
            cash(*BALANCED),
            MappingRules(cash_journal_code="91"),
            "Journal 91 does not allow VAT, but line 2 carries a VAT code",
        ),
        (cash(*BALANCED, day=date(2031, 1, 5)), MappingRules(), "has no financial period for 2031-01-05"),
        (cash(*BALANCED, day=date(2026, 2, 10)), MappingRules(), "Financial period 2026/2 is closed in Exact"),
        (
            JournalData(
                "invoice",
                DAY,
                "F1",
                "",
                [line(1, "1300", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00")],
            ),
            MappingRules(),
            "no relation and the connector has no walk-in customer",
        ),
        (
            JournalData(
                "invoice",
                DAY,
                "F1",
                "77",
                [line(1, "8000", credit="100.00", vat="2", vat_amount="21.00"), line(2, "1300", debit="121.00")],
            ),
            MappingRules(),
            "Customer 77 does not exist in Exact",
        ),
        (
            JournalData(
                "invoice",
                DAY,
                "F1",
                "1",
                [line(1, "1300", debit="121.00"), line(2, "8000", credit="121.00", vat="4", vat_amount="21.00")],
            ),
            MappingRules(),
            "VAT code 4 includes VAT, but invoice lines are booked excluding VAT",
        ),
    ],
)
def test_each_rule_names_the_line_and_the_fix(journal: JournalData, rules: MappingRules, message: str) -> None:
    result = validate(journal, REFS, rules, 7001)
    assert not result.ok
    assert any(message in problem for problem in result.problems), result.problems


def test_overrides_and_fallbacks() -> None:
    journal = cash(line(1, "1000", debit="121.00"), line(2, "8050", credit="100.00", vat="H", vat_amount="21.00"))
    assert not validate(journal, REFS, MappingRules(), 7001).ok
    rules = MappingRules(ledger_overrides={"8050": "8000"}, vat_overrides={"H": "2"})
    result = validate(journal, REFS, rules, 7001)
    assert result.ok and result.lines[1].gl_code == "8000" and result.lines[1].vat_code == "2"
    fallback = validate(journal, REFS, MappingRules(fallback_sales_gl="8999", vat_overrides={"H": "2"}), 7001)
    assert fallback.ok and fallback.lines[1].gl_code == "8999"


def test_the_vat_fallback_only_takes_declared_vat_ledgers() -> None:
    # A payment line on a ledger Exact lacks must fail, not land on the VAT fallback account.
    journal = cash(line(1, "1150", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))
    rules = MappingRules(fallback_vat_gl="8999")
    assert any("ledger 1150 has no GL account" in p for p in validate(journal, REFS, rules, 7001).problems)
    declared = MappingRules(fallback_vat_gl="8999", vat_ledgers=("15*",))
    assert not validate(journal, REFS, declared, 7001).ok
    vat_line = cash(line(1, "1000", debit="21.00"), line(2, "1530", credit="21.00"))
    result = validate(vat_line, REFS, declared, 7001)
    assert result.ok and result.lines[1].gl_code == "8999"


def test_an_invoice_skips_the_receivable_line_and_uses_the_walk_in_customer() -> None:
    journal = JournalData(
        "invoice",
        DAY,
        "F1",
        "",
        [line(1, "1300", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00")],
    )
    result = validate(journal, REFS, MappingRules(walk_in_customer_code="1"), 7001)
    assert result.ok and result.customer_id == "cust-1" and result.journal_code == "70"
    assert [m.skipped for m in result.lines] == [True, False]


def test_an_empty_cache_refuses_everything() -> None:
    result = validate(cash(*BALANCED), References(fetched_at=None), MappingRules(), 7001)
    assert result.problems == ["Exact's reference data for Exact division 7001 could not be read; try Resend later."]
