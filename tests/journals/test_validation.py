"""The validation table: each rule, each message, from a hand-made cache (no Exact needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from ledgerlink.journals.exact_data import ExactData
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.validation import MappingRules, Result, validate

EXACT = ExactData(
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
            ("1520", "Te vorderen btw", 24, False, ""),
            ("1600", "Crediteuren", 22, False, ""),
            ("7000", "Inkopen", 111, False, "2"),
        ]
    },
    vat={
        code: {"code": code, "description": desc, "type": typ, "percentage": pct, "blocked": False, "use": use}
        for code, desc, typ, pct, use in [
            ("0", "Geen btw", "N", "0", "B"),
            ("1", "9% excl.", "E", "0.09", "B"),
            ("2", "21% excl.", "E", "0.21", "B"),
            ("4", "21% incl.", "I", "0.21", "B"),
            ("6", "Voorbelasting 21%", "E", "0.21", "P"),
            ("8", "21% verkoop", "E", "0.21", "S"),
        ]
    },
    journals={
        "90": {"code": "90", "description": "Memoriaal", "type": 90, "allow_vat": True},
        "91": {"code": "91", "description": "Memoriaal zonder btw", "type": 90, "allow_vat": False},
        "70": {"code": "70", "description": "Verkoop", "type": 20, "allow_vat": True},
        "60": {"code": "60", "description": "Inkoop", "type": 22, "allow_vat": True},
        "10": {"code": "10", "description": "Kas", "type": 10, "allow_vat": True},
    },
    customers={"1": {"id": "cust-1", "code": "1", "name": "Kassaklant"}},
    suppliers={"2001": {"id": "supp-2001", "code": "2001", "name": "Drukkerij Van Vliet"}},
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


def journal(kind: str, *lines: LineIn, day: date = DAY, relation: str = "") -> JournalIn:
    return JournalIn(
        reference="T-1",
        kind=kind,
        connector=1,
        date=day,
        description="Kas 14-3",
        relation_code=relation,
        lines=list(lines),
    )


def cash(*lines: LineIn, day: date = DAY) -> JournalIn:
    return journal("cash", *lines, day=day)


def invoice(relation: str, *lines: LineIn) -> JournalIn:
    return journal("invoice", *lines, relation=relation)


def line(no: int, ledger: str, debit: str = "0", credit: str = "0", vat: str = "", vat_amount: str = "0") -> LineIn:
    # ``no`` documents the position the line takes in the journal.
    return LineIn(ledger_code=ledger, debit=D(debit), credit=D(credit), vat_code=vat, vat_amount=D(vat_amount))


def check(journal_in: JournalIn, rules: MappingRules | None = None, exact: ExactData = EXACT) -> Result:
    return validate(journal_in, journal_in.lines, exact, rules or MappingRules(), 7001)


def words(result: Result) -> list[str]:
    return [f"{p.message.text()} {p.message.fix()}".strip() for p in result.problems]


BALANCED = (line(1, "1000", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))


def test_a_balanced_cash_journal_maps_every_line() -> None:
    result = check(cash(*BALANCED))
    assert result.ok, result.problems
    assert result.journal_code == "90" and result.period == (2026, 3)
    assert [(m.gl_code, m.amount, m.vat_code, m.vat_amount) for m in result.lines] == [
        ("1000", D("121.00"), "", D("0.00")),
        ("8000", D("-100.00"), "2", D("-21.00")),
    ]


def test_including_vat_counts_as_given() -> None:
    journal = cash(line(1, "1000", debit="121.00"), line(2, "8000", credit="121.00", vat="4", vat_amount="21.00"))
    assert check(journal).ok


def test_a_line_without_vat_on_an_account_with_default_vat_says_no_vat() -> None:
    journal = cash(line(1, "1000", debit="50.00"), line(2, "8000", credit="50.00"))
    result = check(journal)
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
            "not in balance: debit 100.00, credit 121.00 (VAT included), difference 21.00.",
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
            invoice("", line(1, "1300", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00")),
            MappingRules(),
            "no relation and the connector has no walk-in customer",
        ),
        (
            invoice(
                "77", line(1, "8000", credit="100.00", vat="2", vat_amount="21.00"), line(2, "1300", debit="121.00")
            ),
            MappingRules(),
            "Customer 77 does not exist in Exact",
        ),
        (
            invoice(
                "1", line(1, "1300", debit="121.00"), line(2, "8000", credit="121.00", vat="4", vat_amount="21.00")
            ),
            MappingRules(),
            "VAT code 4 includes VAT, but invoice lines are booked excluding VAT",
        ),
    ],
)
def test_each_rule_names_the_line_and_the_fix(journal: JournalIn, rules: MappingRules, message: str) -> None:
    result = check(journal, rules)
    assert not result.ok
    assert any(message in problem for problem in words(result)), words(result)


def test_overrides_and_fallbacks() -> None:
    journal = cash(line(1, "1000", debit="121.00"), line(2, "8050", credit="100.00", vat="H", vat_amount="21.00"))
    assert not check(journal).ok
    rules = MappingRules(ledger_overrides={"8050": "8000"}, vat_overrides={"H": "2"})
    result = check(journal, rules)
    assert result.ok and result.lines[1].gl_code == "8000" and result.lines[1].vat_code == "2"
    fallback = check(journal, MappingRules(fallback_sales_gl="8999", vat_overrides={"H": "2"}))
    assert fallback.ok and fallback.lines[1].gl_code == "8999"


def test_the_vat_fallback_only_takes_declared_vat_ledgers() -> None:
    # A payment line on a ledger Exact lacks must fail, not land on the VAT fallback account.
    journal = cash(line(1, "1150", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))
    rules = MappingRules(fallback_vat_gl="8999")
    assert any("ledger 1150 has no GL account" in p for p in words(check(journal, rules)))
    declared = MappingRules(fallback_vat_gl="8999", vat_ledgers=("15*",))
    assert not check(journal, declared).ok
    vat_line = cash(line(1, "1000", debit="21.00"), line(2, "1530", credit="21.00"))
    result = check(vat_line, declared)
    assert result.ok and result.lines[1].gl_code == "8999"


def test_an_invoice_skips_the_receivable_line_and_uses_the_walk_in_customer() -> None:
    journal = invoice(
        "", line(1, "1300", debit="121.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00")
    )
    result = check(journal, MappingRules(walk_in_customer_code="1"))
    assert result.ok and result.customer_id == "cust-1" and result.journal_code == "70"
    assert [m.skipped for m in result.lines] == [True, False]


def test_without_exact_data_nothing_is_sent_and_only_a_journal_without_vat_is_weighed() -> None:
    result = check(cash(*BALANCED), exact=ExactData(fetched_at=None))
    assert [p.message.code for p in result.problems] == ["journal.exact_data_missing"]
    assert words(result)[0].startswith("Exact's data for Exact division 7001 could not be read.")
    assert result.refusals == [] and (result.debit, result.credit) == (None, None)
    lopsided = check(cash(line(1, "1000", debit="10.00"), line(2, "8050", credit="9.00")), exact=ExactData(None))
    assert [p.message.code for p in lopsided.refusals] == ["journal.unbalanced"]


def test_a_wrong_vat_amount_is_the_lines_one_problem_not_also_an_imbalance() -> None:
    # 100.00 at 21 % excluding gives 21.00; the ERP says 22.00 and the cash says 122.00.
    wrong_vat = cash(line(1, "1000", debit="122.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="22.00"))
    result = check(wrong_vat)
    assert [(p.message.code, p.line) for p in result.problems] == [("journal.vat_amount_wrong", 2)]
    assert "difference" not in " ".join(words(result))
    # When the VAT is right, the difference named is the real one (1.00), not the VAT amount.
    short = cash(line(1, "1000", debit="120.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))
    assert words(check(short))[0].startswith(
        "The journal is not in balance: debit 120.00, credit 121.00 (VAT included), difference 1.00."
    )
    assert (check(short).debit, check(short).credit) == (D("120.00"), D("121.00"))


def test_a_line_reports_its_first_real_problem_only() -> None:
    # Ledger 8050 is unknown and VAT code 7 as well: the line names the ledger; the balance is unknowable.
    journal = cash(line(1, "1000", debit="10.90"), line(2, "8050", credit="10.00", vat="7", vat_amount="0.90"))
    result = check(journal)
    assert [(p.message.code, p.line) for p in result.problems] == [("journal.gl_missing", 2)]


def test_only_the_journals_own_problems_refuse_it_at_intake() -> None:
    unbalanced = check(
        cash(line(1, "1000", debit="100.00"), line(2, "8000", credit="100.00", vat="2", vat_amount="21.00"))
    )
    assert [p.message.code for p in unbalanced.refusals] == ["journal.unbalanced"]
    unmapped = check(cash(line(1, "1000", debit="10.00"), line(2, "8050", credit="10.00")))
    assert not unmapped.ok and unmapped.refusals == []
    closed = check(cash(*BALANCED, day=date(2026, 2, 10)))
    assert not closed.ok and closed.refusals == []


def test_a_line_without_vat_shows_which_exact_code_says_so() -> None:
    result = check(cash(line(1, "1000", debit="50.00"), line(2, "8000", credit="50.00")))
    assert (result.lines[1].vat_code, result.lines[1].vat_description) == ("0", "Geen btw")
    assert result.lines[1].as_dict()["vat_code_description"] == "Geen btw"


def purchase(relation: str, *lines: LineIn) -> JournalIn:
    return journal("purchase", *lines, relation=relation)


BOUGHT = (line(1, "7000", debit="100.00", vat="6", vat_amount="21.00"), line(2, "1600", credit="121.00"))


def test_a_purchase_skips_the_payable_line_and_names_the_supplier() -> None:
    result = check(purchase("2001", *BOUGHT))
    assert result.ok, words(result)
    assert result.relation_id == "supp-2001" and result.journal_code == "60"
    assert [m.skipped for m in result.lines] == [False, True]
    fallback = check(purchase("", *BOUGHT), MappingRules(fallback_supplier_code="2001"))
    assert fallback.ok and fallback.relation_id == "supp-2001"


@pytest.mark.parametrize(
    ("journal", "rules", "code", "message"),
    [
        (purchase("", *BOUGHT), MappingRules(), "journal.supplier_none", "has no supplier"),
        # A customer is not a supplier: Exact would refuse "is not a supplier (purchase relation)".
        (purchase("1", *BOUGHT), MappingRules(), "journal.supplier_missing", "Supplier 1 does not exist"),
        (
            purchase("2001", *BOUGHT),
            MappingRules(purchase_journal_code="70"),
            "journal.exact_journal_not_purchase",
            "Journal 70 (Verkoop) is not a purchase journal",
        ),
        (
            purchase("2001", line(1, "7000", debit="100.00", vat="8", vat_amount="21.00"), BOUGHT[1]),
            MappingRules(),
            "journal.vat_wrong_use",
            "VAT code 8 (21% verkoop) is not for purchases in Exact",
        ),
        (
            invoice(
                "1", line(1, "1300", debit="121.00"), line(2, "8000", credit="100.00", vat="6", vat_amount="21.00")
            ),
            MappingRules(),
            "journal.vat_wrong_use",
            "VAT code 6 (Voorbelasting 21%) is not for sales in Exact",
        ),
        (
            purchase("2001", line(1, "7000", debit="100.00", vat="4", vat_amount="17.36"), BOUGHT[1]),
            MappingRules(),
            "journal.vat_including_on_invoice",
            "VAT code 4 includes VAT",
        ),
        (
            purchase("2001", line(1, "1520", debit="21.00"), line(2, "1600", credit="21.00")),
            MappingRules(),
            "journal.gl_wrong_type",
            "GL account 1520 (Te vorderen btw) is a balance sheet account",
        ),
        (
            invoice("1", line(1, "1300", debit="121.00"), line(2, "1000", credit="121.00")),
            MappingRules(),
            "journal.gl_wrong_type",
            "GL account 1000 (Kas) is a balance sheet account",
        ),
    ],
)
def test_purchase_rules(journal: JournalIn, rules: MappingRules, code: str, message: str) -> None:
    result = check(journal, rules)
    assert code in [p.message.code for p in result.problems], words(result)
    assert any(message in problem for problem in words(result)), words(result)


def test_a_credit_note_is_an_invoice_with_its_sides_the_other_way() -> None:
    credit_note = purchase(
        "2001", line(1, "7000", credit="100.00", vat="6", vat_amount="21.00"), line(2, "1600", debit="121.00")
    )
    result = check(credit_note)
    assert result.ok, words(result)
    assert [(m.amount, m.vat_amount, m.skipped) for m in result.lines] == [
        (D("-100.00"), D("-21.00"), False),
        (D("121.00"), D("0.00"), True),
    ]
