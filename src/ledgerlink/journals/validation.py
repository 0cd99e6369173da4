"""Check a journal against Exact's cached reference data and map it, before anything is sent.

One pure function, ``validate``. Every problem names the line and the fix, because a person acts on it
(the journal goes to ``failed``). Mapping is identity by default — the ERP's ledger and VAT codes are
Exact's, as RetailVista advises — with per-connector overrides and optional fallback accounts.

Amounts: debit positive, credit negative. A line with an excluding (E) VAT code counts with its VAT
added; with an including (I) code the amount already holds the VAT. That is Exact's own balance rule
(exact_sandbox/FIDELITY.md, reference §5.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ledgerlink.journals.choices import Kind
from ledgerlink.journals.references import References

CENT = Decimal("0.01")
VAT_TOLERANCE = Decimal("0.02")  # per line: the ERP rounds VAT per item, Exact per line
RECEIVABLE = 20  # GLAccount.Type of accounts receivable (debtors)
GENERAL_JOURNAL = 90
SALES_JOURNAL = 20


@dataclass(frozen=True)
class MappingRules:
    cash_journal_code: str = "90"
    invoice_journal_code: str = "70"
    walk_in_customer_code: str = ""
    fallback_sales_gl: str = ""
    fallback_vat_gl: str = ""
    vat_ledgers: tuple[str, ...] = ()
    ledger_overrides: dict[str, str] = field(default_factory=dict)
    vat_overrides: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LineData:
    line_no: int
    ledger_code: str
    debit: Decimal
    credit: Decimal
    vat_code: str = ""
    vat_amount: Decimal = Decimal("0")
    description: str = ""
    relation_code: str = ""


@dataclass(frozen=True)
class JournalData:
    kind: str
    date: date
    description: str
    relation_code: str
    lines: list[LineData]


@dataclass(frozen=True)
class MappedLine:
    line_no: int
    gl_id: str
    gl_code: str
    amount: Decimal  # signed: debit positive, credit negative
    vat_code: str
    vat_amount: Decimal  # signed like amount
    description: str
    skipped: bool = False  # an invoice's receivable line: Exact makes it itself


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    lines: list[MappedLine] = field(default_factory=list)
    journal_code: str = ""
    customer_id: str = ""
    period: tuple[int, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def expected_vat(amount: Decimal, rate: Decimal, vat_type: str) -> Decimal:
    if vat_type == "E":
        return (amount * rate).quantize(CENT, ROUND_HALF_UP)
    if vat_type == "I":
        return (amount * rate / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    return Decimal("0.00")


def is_vat_ledger(code: str, patterns: tuple[str, ...]) -> bool:
    return any(code == p or (p.endswith("*") and code.startswith(p[:-1])) for p in patterns)


def _gl_for(line: LineData, refs: References, rules: MappingRules, result: Result) -> dict | None:
    code = rules.ledger_overrides.get(line.ledger_code, line.ledger_code)
    account = refs.gl.get(code)
    if account is None:
        # Revenue lines carry a VAT code; a VAT line carries none and is recognised only by its ledger.
        if line.vat_code:
            fallback = rules.fallback_sales_gl
        else:
            fallback = rules.fallback_vat_gl if is_vat_ledger(line.ledger_code, rules.vat_ledgers) else ""
        account = refs.gl.get(fallback) if fallback else None
    if account is None:
        via = f" (mapped to {code})" if code != line.ledger_code else ""
        result.problems.append(
            f"Line {line.line_no}: ledger {line.ledger_code}{via} has no GL account in Exact. Create GL account "
            f"{code} in Exact, or map ledger {line.ledger_code} to an existing account on the mapping page."
        )
        return None
    if account["blocked"]:
        result.problems.append(
            f"Line {line.line_no}: GL account {account['code']} ({account['description']}) is blocked in Exact. "
            f"Unblock it in Exact, or map ledger {line.ledger_code} to another account on the mapping page."
        )
        return None
    return account


def _vat_for(line: LineData, refs: References, rules: MappingRules, kind: str, result: Result) -> dict | None:
    if not line.vat_code:
        return None
    code = rules.vat_overrides.get(line.vat_code, line.vat_code)
    vat = refs.vat.get(code)
    if vat is None:
        result.problems.append(
            f"Line {line.line_no}: VAT code {line.vat_code} does not exist in Exact. Map it to an Exact VAT code "
            "on the mapping page."
        )
        return None
    if vat["blocked"]:
        result.problems.append(
            f"Line {line.line_no}: VAT code {code} is blocked in Exact. Map VAT code "
            f"{line.vat_code} to another code on the mapping page."
        )
        return None
    if kind == Kind.INVOICE and vat["type"] == "I":
        result.problems.append(
            f"Line {line.line_no}: VAT code {code} includes VAT, but invoice lines are booked excluding VAT in "
            "Exact. Map it to the matching excluding-VAT code on the mapping page."
        )
        return None
    amount = line.debit or line.credit
    want = expected_vat(amount, Decimal(vat["percentage"]), vat["type"])
    if line.vat_amount and abs(line.vat_amount - want) > VAT_TOLERANCE:
        kind_text = {"E": "excluding", "I": "including"}.get(vat["type"], "without")
        result.problems.append(
            f"Line {line.line_no}: VAT amount {_money(line.vat_amount)} does not fit VAT code {code} "
            f"({vat['description']}, {kind_text} VAT), which gives {_money(want)} on {_money(amount)}. Use the VAT "
            "code that matches how the ERP gives amounts (including or excluding VAT), or map it on the mapping page."
        )
        return None
    return vat


def validate(journal: JournalData, refs: References, rules: MappingRules, division: int | None) -> Result:
    result = Result()
    where = f"Exact division {division}" if division else "Exact"
    if refs.fetched_at is None:
        result.problems.append(f"Exact's reference data for {where} could not be read; try Resend later.")
        return result
    code = rules.cash_journal_code if journal.kind == Kind.CASH else rules.invoice_journal_code
    result.journal_code = code
    exact_journal = refs.journals.get(code)
    wanted_type = GENERAL_JOURNAL if journal.kind == Kind.CASH else SALES_JOURNAL
    if exact_journal is None:
        result.problems.append(
            f"Journal {code} does not exist in {where}. Choose an existing journal on the mapping page."
        )
    elif exact_journal["type"] != wanted_type:
        want = "a general (memoriaal) journal" if journal.kind == Kind.CASH else "a sales journal"
        result.problems.append(
            f"Journal {code} ({exact_journal['description']}) is not {want}. Choose {want} on the mapping page."
        )
    elif not exact_journal["allow_vat"]:
        carrying = [line.line_no for line in journal.lines if line.vat_code]
        if carrying:
            result.problems.append(
                f"Journal {code} does not allow VAT, but line {carrying[0]} carries a VAT code. Choose a journal "
                "that allows VAT on the mapping page."
            )

    period = refs.period_of(journal.date)
    if period is None:
        result.problems.append(
            f"{where} has no financial period for {journal.date.isoformat()}. Create the "
            "financial year in Exact, then press Resend."
        )
    elif f"{period[0]}/{period[1]}" in refs.closed:
        result.problems.append(
            f"Financial period {period[0]}/{period[1]} is closed in Exact. Reopen it in Exact, then press Resend."
        )
    result.period = period

    if journal.kind == Kind.INVOICE:
        relation = journal.relation_code or next((ln.relation_code for ln in journal.lines if ln.relation_code), "")
        customer_code = relation or rules.walk_in_customer_code
        customer = refs.customers.get(customer_code) if customer_code else None
        if not customer_code:
            result.problems.append(
                "The invoice has no relation and the connector has no walk-in customer. Set a "
                "walk-in customer on the mapping page."
            )
        elif customer is None:
            result.problems.append(
                f"Customer {customer_code} does not exist in Exact as a customer. Create it in "
                "Exact or correct the relation in the ERP."
            )
        else:
            result.customer_id = customer["id"]

    # Exact gives a line without a VAT code its GL account's default VAT code when the journal allows VAT;
    # a line the ERP booked without VAT must then say "no VAT" explicitly.
    no_vat = next((code for code, vat in refs.vat.items() if vat["type"] == "N" and not vat["blocked"]), "")
    journal_allows_vat = bool(exact_journal and exact_journal["allow_vat"])
    debit = credit = Decimal("0.00")
    for line in journal.lines:
        account = _gl_for(line, refs, rules, result)
        vat = _vat_for(line, refs, rules, journal.kind, result)
        sign = Decimal(1) if line.debit else Decimal(-1)
        amount = (line.debit or line.credit) * sign
        vat_amount = line.vat_amount * sign
        added_vat = line.vat_amount if vat is not None and vat["type"] == "E" else Decimal("0.00")
        if line.debit:
            debit += line.debit + added_vat
        else:
            credit += line.credit + added_vat
        if account is not None:
            skipped = journal.kind == Kind.INVOICE and account["type"] == RECEIVABLE
            vat_code = vat["code"] if vat else (no_vat if journal_allows_vat and account["vat_code"] else "")
            result.lines.append(
                MappedLine(
                    line.line_no,
                    account["id"],
                    account["code"],
                    amount,
                    vat_code,
                    vat_amount if vat else Decimal("0.00"),
                    line.description or journal.description,
                    skipped,
                )
            )
    if debit != credit:
        result.problems.append(
            f"The journal is not in balance: debit {_money(debit)}, credit {_money(credit)} (VAT included), "
            f"difference {_money(abs(debit - credit))}. Correct it in the ERP and submit it under a new reference."
        )
    return result
