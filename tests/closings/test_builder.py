"""The builder on the reference's worked example (retail-bookkeeping §3.5), on what a mapping lacks, and as a
property: any closing whose payments equal its sales builds lines in balance to the cent, VAT included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerlink.closings import defaults
from ledgerlink.closings.builder import (
    CashCount,
    Closing,
    ClosingMapping,
    Item,
    Payment,
    RateAmount,
    RateTarget,
    Transfer,
    build,
    vat_of,
)

D = Decimal
DAY = date(2026, 11, 30)
# The sandbox's VAT codes (exact_sandbox/seed.py): code → (type, percentage)
SANDBOX_VAT = {
    "0": ("N", "0"),
    "1": ("E", "0.09"),
    "2": ("E", "0.21"),
    "3": ("I", "0.09"),
    "4": ("I", "0.21"),
    "5": ("B", "0"),
}


def mapping(**rates: str) -> ClosingMapping:
    """The defaults of a standard Dutch chart; ``rates`` overrides a rate's VAT code (``rate_21="4"``)."""
    targets = {}
    for rate, (gl, code) in defaults.RATES.items():
        code = rates.get(f"rate_{rate}", code)
        vat_type, percentage = SANDBOX_VAT[code]
        targets[rate] = RateTarget(gl, code, vat_type, D(percentage))
    return ClosingMapping(
        rates=targets,
        methods=dict(defaults.METHODS),
        gift_cards_sold=defaults.GIFT_CARDS_SOLD,
        cash_difference=defaults.CASH_DIFFERENCE,
        rounding=defaults.ROUNDING,
        till_expenses=defaults.TILL_EXPENSES,
        bank=defaults.BANK,
    )


def worked_example(cash: CashCount | None = None) -> Closing:
    return Closing(
        store="01",
        terminal="1",
        date=DAY,
        sales=(RateAmount("21", D("1210.00")), RateAmount("9", D("545.00"))),
        payments=(
            Payment("CASH", D("300.00")),
            Payment("PIN", D("1200.00")),
            Payment("CREDITCARD", D("255.00")),
            Payment("GIFTCARD", D("50.00")),
        ),
        gift_cards_sold=D("50.00"),
        cash=cash,
    )


def table(lines: list) -> list[tuple[str, str, str, str, str]]:
    return [(ln.gl, f"{ln.debit:.2f}", f"{ln.credit:.2f}", ln.vat_code, f"{ln.vat_amount:.2f}") for ln in lines]


def test_worked_example_with_excluding_codes_is_the_reference_table() -> None:
    built = build(worked_example(), mapping())
    assert built.problems == []
    assert table(built.lines) == [
        ("1000", "300.00", "0.00", "", "0.00"),  # Kas
        ("1010", "1200.00", "0.00", "", "0.00"),  # PIN clearing
        ("1020", "255.00", "0.00", "", "0.00"),  # credit-card clearing
        ("1700", "50.00", "0.00", "", "0.00"),  # gift card redeemed
        ("8000", "0.00", "1000.00", "2", "210.00"),  # revenue 21 % + VAT payable 21 %
        ("8010", "0.00", "500.00", "1", "45.00"),  # revenue 9 % + VAT payable 9 %
        ("1700", "0.00", "50.00", "", "0.00"),  # gift card sold
    ]
    assert (built.debit, built.credit) == (D("1805.00"), D("1805.00"))


def test_worked_example_with_including_codes_sends_the_gross_amounts() -> None:
    built = build(worked_example(), mapping(rate_21="4", rate_9="3"))
    revenue = [row for row in table(built.lines) if row[0] in ("8000", "8010")]
    assert revenue == [("8000", "0.00", "1210.00", "4", "210.00"), ("8010", "0.00", "545.00", "3", "45.00")]
    assert (built.debit, built.credit) == (D("1805.00"), D("1805.00"))


def test_the_counted_shortage_goes_to_kasverschillen() -> None:
    built = build(worked_example(CashCount(expected=D("300.00"), counted=D("299.50"))), mapping())
    assert built.problems == []
    assert table(built.lines)[-2:] == [("4900", "0.50", "0.00", "", "0.00"), ("1000", "0.00", "0.50", "", "0.00")]
    assert (built.debit, built.credit) == (D("1805.50"), D("1805.50"))


@pytest.mark.parametrize(
    ("counted", "pair"),
    [
        ("300.00", []),  # no difference: no pair
        ("300.20", [("4900", "0.00", "0.20", "", "0.00"), ("1000", "0.20", "0.00", "", "0.00")]),  # a surplus
    ],
)
def test_cash_difference_table(counted: str, pair: list) -> None:
    built = build(worked_example(CashCount(expected=D("300.00"), counted=D(counted))), mapping())
    assert table(built.lines)[7:] == pair


def test_every_part_of_a_closing() -> None:
    closing = Closing(
        store="01",
        terminal="2",
        date=DAY,
        sales=(RateAmount("21", D("121.00")), RateAmount("0", D("10.00")), RateAmount("exempt", D("5.00"))),
        returns=(RateAmount("21", D("12.10")),),
        discounts=(RateAmount("21", D("6.05")),),
        payments=(Payment("CASH", D("77.80")), Payment("PIN", D("60.02"))),
        gift_cards_sold=D("20.00"),
        rounding=D("-0.03"),  # receipts rounded down: 0.03 less cash than due
        till_expenses=(Item(D("7.50"), "coffee"),),
        transfers=(Transfer("bank", D("40.00")),),
        cash=CashCount(expected=D("12.50"), counted=D("12.50")),
    )
    built = build(closing, mapping())
    assert built.problems == []
    assert table(built.lines) == [
        ("1000", "77.80", "0.00", "", "0.00"),
        ("1010", "60.02", "0.00", "", "0.00"),
        ("8000", "0.00", "85.00", "2", "17.85"),  # 121.00 − 12.10 − 6.05 = 102.85 gross
        ("8020", "0.00", "10.00", "5", "0.00"),
        ("8020", "0.00", "5.00", "0", "0.00"),
        ("1700", "0.00", "20.00", "", "0.00"),
        ("4910", "0.03", "0.00", "", "0.00"),
        ("4000", "7.50", "0.00", "", "0.00"),
        ("1000", "0.00", "7.50", "", "0.00"),
        ("1100", "40.00", "0.00", "", "0.00"),
        ("1000", "0.00", "40.00", "", "0.00"),
    ]
    assert built.debit == built.credit == D("185.35")


def test_sales_excluding_vat_get_their_vat_added() -> None:
    closing = Closing(
        store="01",
        terminal="1",
        date=DAY,
        including_vat=False,
        sales=(RateAmount("21", D("1000.00")),),
        payments=(Payment("PIN", D("1210.00")),),
    )
    assert table(build(closing, mapping()).lines)[1] == ("8000", "0.00", "1000.00", "2", "210.00")


def test_what_is_missing_is_named_precisely() -> None:
    closing = Closing(
        store="01",
        terminal="1",
        date=DAY,
        sales=(RateAmount("21", D("100.00")), RateAmount("6", D("10.60"))),
        payments=(Payment("IDEAL", D("100.00")), Payment("PIN", D("10.60"))),
        transfers=(Transfer("safe", D("5.00")),),
    )
    built = build(closing, mapping())
    assert built.lines == []
    assert [(p.field, p.message.text()) for p in built.problems] == [
        ("payments[0].method", "payment method IDEAL has no account"),
        ("sales[1].vat_rate", "VAT rate 6 has no revenue account"),
        ("sales[1].vat_rate", "VAT rate 6 has no Exact VAT code"),
        ("transfers[0]", "transfers to the safe has no account"),
    ]


def test_a_fallback_account_takes_an_unknown_method() -> None:
    closing = worked_example()
    closing = Closing(**{**closing.__dict__, "payments": (*closing.payments[:3], Payment("IDEAL", D("50.00")))})
    plain = build(closing, mapping())
    assert [p.message.params for p in plain.problems] == [{"method": "IDEAL"}]
    fallback = ClosingMapping(**{**mapping().__dict__, "fallback_method": "1020"})
    assert build(closing, fallback).ok


def test_a_vat_code_of_another_percentage_is_refused() -> None:
    built = build(worked_example(), mapping(rate_21="1"))
    assert [(p.field, p.message.code, p.message.params) for p in built.problems] == [
        ("sales[0].vat_rate", "closing.rate_vat_percentage", {"rate": "21", "code": "1", "percentage": "9"})
    ]


def test_a_vat_code_exact_does_not_know_is_named() -> None:
    rates = dict(mapping().rates)
    rates["21"] = RateTarget("8000", "99")
    built = build(worked_example(), ClosingMapping(**{**mapping().__dict__, "rates": rates}))
    assert [p.message.text() for p in built.problems] == ["VAT code 99 of VAT rate 21 is not among Exact's VAT codes"]


def test_a_closing_that_does_not_add_up_says_by_how_much() -> None:
    closing = Closing(**{**worked_example().__dict__, "gift_cards_sold": D("0.00")})
    built = build(closing, mapping())
    assert [(p.message.code, p.message.params) for p in built.problems] == [
        ("closing.unbalanced", {"debit": "1805.00", "credit": "1755.00", "difference": "50.00"})
    ]


def test_vat_is_split_half_up_as_exact_rounds() -> None:
    assert vat_of(D("0.05"), D("0.21"), including=True) == D("0.01")  # 0.00867… → 0.01
    assert vat_of(D("0.10"), D("0.05"), including=False) == D("0.01")  # 0.005 → 0.01 (half-up, not to even)


# --- property: payments equal to sales always balance to the cent -----------------------------------------------

cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100)
rates = st.sampled_from(["21", "9", "0", "exempt"])


@st.composite
def balanced_closings(draw: st.DrawFn) -> tuple[Closing, ClosingMapping]:
    including = draw(st.booleans())
    codes = {"rate_21": draw(st.sampled_from(["2", "4"])), "rate_9": draw(st.sampled_from(["1", "3"]))}
    chosen = mapping(**codes)
    sales = tuple(RateAmount(draw(rates), draw(cents)) for _ in range(draw(st.integers(0, 6))))
    returns = tuple(RateAmount(draw(rates), draw(cents)) for _ in range(draw(st.integers(0, 2))))
    gift_cards = draw(cents)
    rounding = D(draw(st.integers(-4, 4))) / 100
    # What the customers paid: every rate's total VAT included (as the POS would compute it), gift cards sold,
    # and the rounding, spread over the methods.
    due = gift_cards + rounding
    per_rate: dict[str, Decimal] = {}
    for entry in sales:
        per_rate[entry.vat_rate] = per_rate.get(entry.vat_rate, D(0)) + entry.amount
    for entry in returns:
        per_rate[entry.vat_rate] = per_rate.get(entry.vat_rate, D(0)) - entry.amount
    for rate, total in per_rate.items():
        target = chosen.rates[rate]
        if including or target.vat_type not in ("E", "I"):
            due += total
        else:
            sign = 1 if total >= 0 else -1
            due += total + sign * vat_of(abs(total), target.percentage, including=False)
    methods = draw(st.lists(st.sampled_from(list(defaults.METHODS)), min_size=1, max_size=4))
    shares = [draw(cents) for _ in methods[1:]]
    payments = [Payment(method, share) for method, share in zip(methods[1:], shares, strict=True)]
    payments.insert(0, Payment(methods[0], due - sum(shares, D(0))))
    expected = draw(cents)
    closing = Closing(
        store="01",
        terminal="1",
        date=DAY,
        including_vat=including,
        sales=sales,
        returns=returns,
        payments=tuple(payments),
        gift_cards_sold=gift_cards,
        rounding=rounding,
        cash=CashCount(expected=expected, counted=draw(cents)),
        till_expenses=tuple(Item(draw(cents)) for _ in range(draw(st.integers(0, 2)))),
        transfers=tuple(Transfer("bank", draw(cents)) for _ in range(draw(st.integers(0, 2)))),
    )
    return closing, chosen


@settings(max_examples=400, deadline=None)
@given(balanced_closings())
def test_payments_equal_to_sales_balance_to_the_cent(case: tuple[Closing, ClosingMapping]) -> None:
    closing, chosen = case
    built = build(closing, chosen)
    if not built.lines:  # nothing but zeros
        assert [p.message.code for p in built.problems] == ["closing.nothing"]
        return
    assert built.problems == []
    assert built.debit == built.credit
    for line in built.lines:
        assert (line.debit > 0) != (line.credit > 0)  # one side, never zero
        assert line.debit == line.debit.quantize(D("0.01")) and line.credit == line.credit.quantize(D("0.01"))
        assert line.vat_amount == line.vat_amount.quantize(D("0.01"))
