"""A POS day closing (Z-report) and a closing mapping in; the balanced day journal out, or what is missing.

Pure: no models, no I/O. The caller resolves the connector's mapping against Exact's data first (each VAT
rate's Exact VAT code with its type and percentage), so the builder knows whether a revenue line goes to Exact
including or excluding VAT. The journal it builds is the one in the reference's worked example
(retail-bookkeeping §3.5):

=============================================  =========================  ================================
what                                           debit / credit             account (mapping)
=============================================  =========================  ================================
payments per method (negative: a credit)       debit                      the method's, or the fallback
sales − returns − discounts per VAT rate       credit (negative: debit)   the rate's revenue account + VAT
gift cards sold                                credit                     gift-card liability (no VAT)
deposits received                              credit                     deposits (no VAT)
rounding (cash received − cash due)            credit (negative: debit)   rounding
till expenses                                  debit expense, credit cash
transfers to the safe / the bank               debit safe/bank, credit cash
cash difference (counted − expected)           shortage: debit P&L, credit cash; surplus: the other way
=============================================  =========================  ================================

"Cash" is the account of the payment method named ``cash_method`` (CASH). Amounts are counted as Exact counts
them (exact_sandbox/FIDELITY.md, the balance rule): a line with an excluding (E) VAT code with its VAT added, a
line with an including (I) code as sent. Money is rounded half-up to cents in one place only, where Exact
rounds too: splitting the VAT out of an amount (``vat_of``). So a closing whose payments equal its sales VAT
included builds a journal in balance to the cent, whatever the rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ledgerlink.closings import messages as m
from ledgerlink.core.messages import Message
from ledgerlink.journals.intake import Problem

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
CASH = "CASH"

# --- what goes in ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateAmount:
    vat_rate: str  # the POS's rate code: "21", "9", "0", "exempt"
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    method: str  # the POS's payment method code: "CASH", "PIN", "IDEAL", …
    amount: Decimal  # negative: more paid out (refunds) than taken in with this method


@dataclass(frozen=True)
class Item:
    """A deposit received or a till expense: an amount and what it was for."""

    amount: Decimal
    description: str = ""


@dataclass(frozen=True)
class Transfer:
    to: str  # "safe" or "bank"
    amount: Decimal


@dataclass(frozen=True)
class CashCount:
    expected: Decimal
    counted: Decimal


@dataclass(frozen=True)
class Closing:
    store: str
    terminal: str
    date: date
    sales: tuple[RateAmount, ...] = ()
    payments: tuple[Payment, ...] = ()
    gift_cards_sold: Decimal = ZERO
    cash: CashCount | None = None
    including_vat: bool = True
    returns: tuple[RateAmount, ...] = ()
    discounts: tuple[RateAmount, ...] = ()
    deposits: tuple[Item, ...] = ()
    till_expenses: tuple[Item, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    rounding: Decimal = ZERO  # cash received − cash due: negative when receipts were rounded down


@dataclass(frozen=True)
class RateTarget:
    """Where a VAT rate's revenue goes: Exact GL account code and VAT code, with that code's type and
    percentage as Exact has them (``vat_type`` empty: the code is not among Exact's VAT codes)."""

    gl: str
    vat_code: str
    vat_type: str = ""  # Exact's VATCodes.Type: E excluding, I including, B 0 %, N no VAT
    percentage: Decimal = ZERO  # a fraction, as Exact gives it (0.21)


@dataclass(frozen=True)
class ClosingMapping:
    """Exact GL account codes (and VAT codes) for everything a closing books; empty: not mapped."""

    rates: Mapping[str, RateTarget] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)
    fallback_method: str = ""
    gift_cards_sold: str = ""
    deposits: str = ""
    till_expenses: str = ""
    safe: str = ""
    bank: str = ""
    cash_difference: str = ""
    rounding: str = ""
    cash_method: str = CASH


# --- what comes out ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltLine:
    gl: str
    debit: Decimal
    credit: Decimal
    description: Message  # put into words in the company's language when the journal is made (actions.py)
    vat_code: str = ""
    vat_amount: Decimal = ZERO
    vat_type: str = ""

    @property
    def counted(self) -> Decimal:
        """Signed (debit positive) as Exact weighs it: with its VAT added under an excluding code."""
        added = self.vat_amount if self.vat_type == "E" else ZERO
        return (self.debit + added) if self.debit else -(self.credit + added)


@dataclass
class Built:
    lines: list[BuiltLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def debit(self) -> Decimal:
        return sum((line.counted for line in self.lines if line.counted > 0), ZERO)

    @property
    def credit(self) -> Decimal:
        return -sum((line.counted for line in self.lines if line.counted < 0), ZERO)


def vat_of(amount: Decimal, percentage: Decimal, *, including: bool) -> Decimal:
    """The VAT in (``including``) or on an amount, half-up to cents: Exact's own rounding of a line's VAT."""
    if including:
        return (amount * percentage / (1 + percentage)).quantize(CENT, ROUND_HALF_UP)
    return (amount * percentage).quantize(CENT, ROUND_HALF_UP)


# --- the builder ---------------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, closing: Closing, mapping: ClosingMapping) -> None:
        self.closing = closing
        self.mapping = mapping
        self.built = Built()
        self.weighable = True  # False once a rate's VAT is unknown: its line cannot be weighed

    def problem(self, path: str, message_code: str, /, **params: Any) -> None:
        problem = Problem(path, Message(message_code, params))
        if problem not in self.built.problems:
            self.built.problems.append(problem)

    def line(
        self, gl: str, signed: Decimal, description: Message, vat: RateTarget | None = None, vat_amount: Decimal = ZERO
    ) -> None:
        """One line; ``signed`` debit positive. Zero amounts make no line (Exact refuses them)."""
        if not signed:
            return
        self.built.lines.append(
            BuiltLine(
                gl=gl,
                debit=signed if signed > 0 else ZERO,
                credit=-signed if signed < 0 else ZERO,
                description=description,
                vat_code=vat.vat_code if vat else "",
                vat_amount=abs(vat_amount) if vat else ZERO,
                vat_type=vat.vat_type if vat else "",
            )
        )

    def account(self, gl: str, path: str, what: str) -> str:
        if not gl:
            self.problem(path, m.ACCOUNT_UNMAPPED, what=Message.of(what))
        return gl

    def cash_account(self, path: str) -> str:
        method = self.mapping.cash_method
        gl = self.mapping.methods.get(method) or self.mapping.fallback_method
        if not gl:
            self.problem(path, m.METHOD_UNMAPPED, method=method)
        return gl

    # --- sections ---

    def payments(self) -> None:
        for index, payment in enumerate(self.closing.payments):
            gl = self.mapping.methods.get(payment.method) or self.mapping.fallback_method
            if not gl:
                self.problem(f"payments[{index}].method", m.METHOD_UNMAPPED, method=payment.method)
            self.line(gl, payment.amount, Message.of(m.LINE_PAYMENTS, method=payment.method))

    def revenue(self) -> None:
        """One line per VAT rate: its sales less its returns and discounts, with the rate's VAT code."""
        totals: dict[str, Decimal] = {}
        first_path: dict[str, str] = {}
        for name, sign, entries in (
            ("sales", 1, self.closing.sales),
            ("returns", -1, self.closing.returns),
            ("discounts", -1, self.closing.discounts),
        ):
            for index, entry in enumerate(entries):
                totals[entry.vat_rate] = totals.get(entry.vat_rate, ZERO) + sign * entry.amount
                first_path.setdefault(entry.vat_rate, f"{name}[{index}].vat_rate")
        for rate, amount in totals.items():
            path = first_path[rate]
            target = self.mapping.rates.get(rate)
            if target is None or not target.gl:
                self.problem(path, m.RATE_UNMAPPED, rate=rate)
            if target is None or not target.vat_code:
                self.problem(path, m.RATE_VAT_UNMAPPED, rate=rate)
                self.weighable = False
                continue
            if not target.vat_type:
                self.problem(path, m.RATE_VAT_UNKNOWN, rate=rate, code=target.vat_code)
                self.weighable = False
                continue
            nominal = _nominal(rate)
            if nominal is not None and nominal != target.percentage * HUNDRED:
                shown = (target.percentage * HUNDRED).normalize()
                self.problem(path, m.RATE_VAT_PERCENTAGE, rate=rate, code=target.vat_code, percentage=f"{shown:f}")
                self.weighable = False
                continue
            line_amount, vat = _revenue_amounts(amount, target, including=self.closing.including_vat)
            self.line(target.gl, -line_amount, Message.of(m.LINE_SALES, rate=rate), target, vat)

    def balance_items(self) -> None:
        closing, mapping = self.closing, self.mapping
        if closing.gift_cards_sold:
            gl = self.account(mapping.gift_cards_sold, "gift_cards_sold", m.WHAT_GIFT_CARDS_SOLD)
            self.line(gl, -closing.gift_cards_sold, Message.of(m.LINE_GIFT_CARDS_SOLD))
        for index, deposit in enumerate(closing.deposits):
            gl = self.account(mapping.deposits, f"deposits[{index}]", m.WHAT_DEPOSITS)
            self.line(gl, -deposit.amount, Message.of(m.LINE_DEPOSIT, description=deposit.description))
        if closing.rounding:
            gl = self.account(mapping.rounding, "rounding", m.WHAT_ROUNDING)
            self.line(gl, -closing.rounding, Message.of(m.LINE_ROUNDING))

    def cash_pairs(self) -> None:
        """What leaves or enters the till besides sales: each a pair with the cash account."""
        closing, mapping = self.closing, self.mapping
        for index, expense in enumerate(closing.till_expenses):
            if not expense.amount:
                continue
            path = f"till_expenses[{index}]"
            text = Message.of(m.LINE_TILL_EXPENSE, description=expense.description)
            self.line(self.account(mapping.till_expenses, path, m.WHAT_TILL_EXPENSES), expense.amount, text)
            self.line(self.cash_account(path), -expense.amount, text)
        for index, transfer in enumerate(closing.transfers):
            if not transfer.amount:
                continue
            path = f"transfers[{index}]"
            gl, what = (mapping.safe, m.WHAT_SAFE) if transfer.to == "safe" else (mapping.bank, m.WHAT_BANK)
            text = Message.of(m.LINE_TO_SAFE if transfer.to == "safe" else m.LINE_TO_BANK)
            self.line(self.account(gl, path, what), transfer.amount, text)
            self.line(self.cash_account(path), -transfer.amount, text)
        if closing.cash is not None:
            difference = closing.cash.counted - closing.cash.expected
            if difference:
                text = Message.of(m.LINE_CASH_DIFFERENCE)
                self.line(self.account(mapping.cash_difference, "cash", m.WHAT_CASH_DIFFERENCE), -difference, text)
                self.line(self.cash_account("cash"), difference, text)

    def run(self) -> Built:
        self.payments()
        self.revenue()
        self.balance_items()
        self.cash_pairs()
        built = self.built
        if self.weighable and built.debit != built.credit:
            self.problem(
                "payments",
                m.UNBALANCED,
                debit=built.debit,
                credit=built.credit,
                difference=abs(built.debit - built.credit),
            )
        if not built.lines and not built.problems:
            self.problem("sales", m.NOTHING)
        if built.problems:
            built.lines = []
        return built


def build(closing: Closing, mapping: ClosingMapping) -> Built:
    """The day's journal lines (in balance as Exact weighs them), or every problem found: what is unmapped,
    named (``payment method IDEAL has no account``), and a closing that does not add up."""
    return _Builder(closing, mapping).run()


def _revenue_amounts(amount: Decimal, target: RateTarget, *, including: bool) -> tuple[Decimal, Decimal]:
    """(the line's amount, its VAT) for a rate's signed total, as the rate's VAT code wants it sent.

    Excluding (E) code: the line holds the net amount and Exact adds the VAT; including (I): the line holds
    the gross amount. From a gross total the VAT is split out (half-up, as Exact does) and the net is what is
    left, so net + VAT is the gross to the cent. 0 % and no-VAT codes carry no VAT."""
    if target.vat_type not in ("E", "I") or not target.percentage:
        return amount, ZERO
    sign = 1 if amount >= 0 else -1
    size = abs(amount)
    vat = vat_of(size, target.percentage, including=including)
    gross = size if including else size + vat
    if target.vat_type == "E":
        return sign * (gross - vat), sign * vat
    return sign * gross, sign * vat


def _nominal(rate: str) -> Decimal | None:
    """The percentage a POS rate code names ("21" → 21), or None for a code that names none ("exempt")."""
    try:
        value = Decimal(rate.replace(",", "."))
    except ArithmeticError:
        return None
    return value if value.is_finite() else None


def totals(lines: Iterable[BuiltLine]) -> tuple[Decimal, Decimal]:
    """(debit, credit) of lines as Exact weighs them."""
    built = Built(lines=list(lines))
    return built.debit, built.credit
