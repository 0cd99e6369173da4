"""The one check of a journal against Exact data, and its mapping to Exact's accounts and VAT codes.

One pure function, ``validate``, used at intake (API, file, dry run) and again by the worker right before
posting. Each problem is a coded message naming the line and the fix, because a person acts on it. A line
reports its first real problem only, and nothing is computed from a value already known to be wrong: a line
whose VAT code is unknown or whose VAT amount does not fit makes the balance unknowable, so the balance is
not reported then.

Mapping is identity by default — the ERP's ledger and VAT codes are Exact's, as RetailVista advises — with
per-connector overrides and optional fallback accounts.

Amounts: debit positive, credit negative. A line with an excluding (E) VAT code counts with its VAT added;
with an including (I) code the amount already holds the VAT. That is Exact's own balance rule
(exact_sandbox/FIDELITY.md, reference §5.1).

Some problems are the journal's own (it is not in balance; a VAT amount does not fit its code): those refuse
the journal at intake (``Result.refusals``). The others depend on Exact's set-up or the mapping, which a
bookkeeper can fix after the journal was accepted; they fail it when it is sent, and a Resend tries again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from ledgerlink.core.messages import Message
from ledgerlink.core.problems import Problem
from ledgerlink.journals import messages as m
from ledgerlink.journals.exact_data import ExactData
from ledgerlink.journals.kinds import JournalKind, kind_of

CENT = Decimal("0.01")
VAT_TOLERANCE = Decimal("0.02")  # per line: the ERP rounds VAT per item, Exact per line
REFUSED_AT_INTAKE = frozenset({m.UNBALANCED, m.VAT_AMOUNT_WRONG})
VAT_TYPES = {"E": m.VAT_TYPE_EXCLUDING, "I": m.VAT_TYPE_INCLUDING}  # Exact's VATCodes.Type
# What a kind refusing a VATTransactionType needs instead: a purchase-only code (P) on a sales line wants sales.
VAT_USES = {"P": m.VAT_USE_SALES, "S": m.VAT_USE_PURCHASES}


class LineLike(Protocol):
    """A journal line as submitted (``intake.LineIn``) or as stored (``models.JournalLine``)."""

    @property
    def ledger_code(self) -> str: ...
    @property
    def debit(self) -> Decimal: ...
    @property
    def credit(self) -> Decimal: ...
    @property
    def vat_code(self) -> str: ...
    @property
    def vat_amount(self) -> Decimal: ...
    @property
    def description(self) -> str: ...
    @property
    def relation_code(self) -> str: ...


class JournalLike(Protocol):
    """A journal as submitted (``intake.JournalIn``) or as stored (``models.Journal``); lines are passed apart."""

    @property
    def kind(self) -> str: ...
    @property
    def date(self) -> date: ...
    @property
    def description(self) -> str: ...
    @property
    def relation_code(self) -> str: ...


@dataclass(frozen=True)
class MappingRules:
    cash_journal_code: str = "90"
    invoice_journal_code: str = "70"
    walk_in_customer_code: str = ""
    purchase_journal_code: str = "60"
    fallback_supplier_code: str = ""
    fallback_sales_gl: str = ""
    fallback_vat_gl: str = ""
    vat_ledgers: tuple[str, ...] = ()
    ledger_overrides: dict[str, str] = field(default_factory=dict)
    vat_overrides: dict[str, str] = field(default_factory=dict)

    def journal_code(self, spec: JournalKind) -> str:
        return str(getattr(self, spec.journal_field))

    def fallback_relation(self, spec: JournalKind) -> str:
        return str(getattr(self, spec.relation_field)) if spec.relation_field else ""


@dataclass(frozen=True)
class MappedLine:
    """A line as it goes to Exact: Exact's GL account and VAT code, a signed amount."""

    line_no: int
    gl_id: str
    gl_code: str
    amount: Decimal  # signed: debit positive, credit negative
    vat_code: str
    vat_amount: Decimal  # signed like amount
    description: str  # the line's own description (may be empty)
    skipped: bool = False  # an invoice's receivable (or payable) line: Exact makes it itself
    gl_description: str = ""
    vat_description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line_no,
            "gl_account": self.gl_code,
            "gl_account_description": self.gl_description,
            "amount": f"{self.amount:.2f}",
            "vat_code": self.vat_code,
            "vat_code_description": self.vat_description,
            "vat_amount": f"{self.vat_amount:.2f}",
            "sent": not self.skipped,
        }


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    lines: list[MappedLine] = field(default_factory=list)
    journal_code: str = ""
    relation_id: str = ""  # Exact's ID of the customer or supplier, for the kinds that name one
    period: tuple[int, int] | None = None
    debit: Decimal | None = None  # totals with the VAT Exact adds; None when a line's VAT is unknown
    credit: Decimal | None = None

    @property
    def customer_id(self) -> str:
        return self.relation_id

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def refusals(self) -> list[Problem]:
        """The journal's own problems, which refuse it at intake whatever Exact's set-up."""
        return [problem for problem in self.problems if problem.message.code in REFUSED_AT_INTAKE]

    def add(self, field_name: str, code: str, line: int | None = None, /, **params: Any) -> None:
        if line is not None:
            params["line"] = line
        self.problems.append(Problem(field_name, Message(code, params), line))


def expected_vat(amount: Decimal, rate: Decimal, vat_type: str) -> Decimal:
    if vat_type == "E":
        return (amount * rate).quantize(CENT, ROUND_HALF_UP)
    if vat_type == "I":
        return (amount * rate / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    return Decimal("0.00")


def is_vat_ledger(code: str, patterns: tuple[str, ...]) -> bool:
    return any(code == p or (p.endswith("*") and code.startswith(p[:-1])) for p in patterns)


def _gl_for(
    number: int, line: LineLike, exact: ExactData, rules: MappingRules, spec: JournalKind, result: Result
) -> dict[str, Any] | None:
    code = rules.ledger_overrides.get(line.ledger_code, line.ledger_code)
    account = exact.gl.get(code)
    if account is None:
        # Revenue lines carry a VAT code; a VAT line carries none and is recognised only by its ledger.
        if line.vat_code:
            fallback = rules.fallback_sales_gl
        else:
            fallback = rules.fallback_vat_gl if is_vat_ledger(line.ledger_code, rules.vat_ledgers) else ""
        account = exact.gl.get(fallback) if fallback else None
    if account is None:
        if code != line.ledger_code:
            result.add("ledger_code", m.GL_MISSING_MAPPED, number, ledger=line.ledger_code, code=code)
        else:
            result.add("ledger_code", m.GL_MISSING, number, ledger=line.ledger_code)
        return None
    if account["blocked"]:
        result.add(
            "ledger_code",
            m.GL_BLOCKED,
            number,
            code=account["code"],
            description=account["description"],
            ledger=line.ledger_code,
        )
        return None
    if account["type"] in spec.refused_gl_types and account["type"] != spec.open_item_gl_type:
        result.add(
            "ledger_code",
            m.GL_WRONG_TYPE,
            number,
            code=account["code"],
            description=account["description"],
            ledger=line.ledger_code,
        )
        return None
    return account


def _vat_for(
    number: int, line: LineLike, exact: ExactData, rules: MappingRules, spec: JournalKind, result: Result
) -> Any:
    """The line's Exact VAT code (a dict), None for a line without one, or False when it has a problem."""
    if not line.vat_code:
        return None
    code = rules.vat_overrides.get(line.vat_code, line.vat_code)
    vat = exact.vat.get(code)
    if vat is None:
        result.add("vat_code", m.VAT_MISSING, number, vat_code=line.vat_code)
        return False
    if vat["blocked"]:
        result.add("vat_code", m.VAT_BLOCKED, number, code=code, vat_code=line.vat_code)
        return False
    if spec.refuses_including_vat and vat["type"] == "I":
        result.add("vat_code", m.VAT_INCLUDING_ON_INVOICE, number, code=code)
        return False
    if spec.refused_vat_use and vat.get("use") == spec.refused_vat_use:
        result.add(
            "vat_code",
            m.VAT_WRONG_USE,
            number,
            code=code,
            description=vat["description"],
            vat_code=line.vat_code,
            use=Message.of(VAT_USES[spec.refused_vat_use]),
        )
        return False
    amount = line.debit or line.credit
    want = expected_vat(amount, Decimal(vat["percentage"]), vat["type"])
    if line.vat_amount and abs(line.vat_amount - want) > VAT_TOLERANCE:
        result.add(
            "vat_amount",
            m.VAT_AMOUNT_WRONG,
            number,
            vat_amount=line.vat_amount,
            code=code,
            description=vat["description"],
            vat_type=Message.of(VAT_TYPES.get(vat["type"], m.VAT_TYPE_NONE)),
            expected=want,
            amount=amount,
        )
        return False
    return vat


def _journal_checks(
    journal: JournalLike, lines: Sequence[LineLike], exact: ExactData, rules: MappingRules, where: str, result: Result
) -> dict[str, Any] | None:
    spec = kind_of(journal.kind)
    code = rules.journal_code(spec)
    result.journal_code = code
    exact_journal = exact.journals.get(code)
    if exact_journal is None:
        result.add("kind", m.JOURNAL_MISSING, code=code, where=where)
    elif exact_journal["type"] != spec.journal_type:
        result.add("kind", spec.wrong_journal, code=code, description=exact_journal["description"])
    elif not exact_journal["allow_vat"]:
        carrying = [number for number, line in enumerate(lines, start=1) if line.vat_code]
        if carrying:
            result.add("vat_code", m.JOURNAL_NO_VAT, carrying[0], code=code)

    period = exact.period_of(journal.date)
    if period is None:
        result.add("date", m.PERIOD_MISSING, where=where, date=journal.date)
    elif f"{period[0]}/{period[1]}" in exact.closed:
        result.add("date", m.PERIOD_CLOSED, year=period[0], period=period[1])
    result.period = period

    if spec.relation:
        relation = journal.relation_code or next((ln.relation_code for ln in lines if ln.relation_code), "")
        relation_code = relation or rules.fallback_relation(spec)
        found = exact.relations(spec.relation).get(relation_code) if relation_code else None
        if not relation_code:
            result.add("relation_code", spec.relation_none)
        elif found is None:
            result.add("relation_code", spec.relation_missing, code=relation_code)
        else:
            result.relation_id = found["id"]
    return exact_journal


def _balance(result: Result, debit: Decimal | None, credit: Decimal | None) -> None:
    result.debit, result.credit = debit, credit
    if debit is not None and credit is not None and debit != credit:
        result.add("lines", m.UNBALANCED, debit=debit, credit=credit, difference=abs(debit - credit))


def validate(
    journal: JournalLike, lines: Sequence[LineLike], exact: ExactData, rules: MappingRules, division: int | None
) -> Result:
    result = Result()
    where = f"Exact division {division}" if division else "Exact"
    if exact.fetched_at is None:
        result.add("connector", m.EXACT_DATA_MISSING, where=where)
        # Without Exact's VAT codes only a journal without VAT can be weighed.
        if not any(line.vat_code for line in lines):
            zero = Decimal("0.00")
            _balance(result, sum((ln.debit for ln in lines), zero), sum((ln.credit for ln in lines), zero))
        return result
    spec = kind_of(journal.kind)
    exact_journal = _journal_checks(journal, lines, exact, rules, where, result)

    # Exact gives a line without a VAT code its GL account's default VAT code when the journal allows VAT;
    # a line the ERP booked without VAT must then say "no VAT" explicitly.
    no_vat = next((code for code, vat in exact.vat.items() if vat["type"] == "N" and not vat["blocked"]), "")
    journal_allows_vat = bool(exact_journal and exact_journal["allow_vat"])
    debit: Decimal | None = Decimal("0.00")
    credit: Decimal | None = Decimal("0.00")
    for number, line in enumerate(lines, start=1):
        account = _gl_for(number, line, exact, rules, spec, result)
        # The first real problem of a line only: a line without its account is not also weighed for VAT.
        if account is not None:
            vat = _vat_for(number, line, exact, rules, spec, result)
        else:
            vat = exact.vat.get(rules.vat_overrides.get(line.vat_code, line.vat_code)) if line.vat_code else None
        if vat is False or (line.vat_code and not vat):
            debit = credit = None  # the VAT Exact would add is unknown: no balance from a wrong value
        elif debit is not None and credit is not None:
            added_vat = line.vat_amount if vat and vat["type"] == "E" else Decimal("0.00")
            if line.debit:
                debit += line.debit + added_vat
            else:
                credit += line.credit + added_vat
        if account is None or vat is False:
            continue
        sign = Decimal(1) if line.debit else Decimal(-1)
        if vat:
            vat_code, vat_description = vat["code"], vat["description"]
        elif journal_allows_vat and account["vat_code"] and no_vat:
            vat_code, vat_description = no_vat, exact.vat[no_vat]["description"]
        else:
            vat_code, vat_description = "", ""
        result.lines.append(
            MappedLine(
                line_no=number,
                gl_id=account["id"],
                gl_code=account["code"],
                amount=(line.debit or line.credit) * sign,
                vat_code=vat_code,
                vat_amount=line.vat_amount * sign if vat else Decimal("0.00"),
                description=line.description,
                skipped=spec.open_item_gl_type is not None and account["type"] == spec.open_item_gl_type,
                gl_description=account["description"],
                vat_description=vat_description,
            )
        )
    _balance(result, debit, credit)
    return result
