"""A journal as the ERP hands it in (API or file), checked for shape and normalised.

Shape problems are reported all at once, each with its field and line, so the ERP can fix everything in
one go (the API answers 422 with them). Whether the codes exist in Exact is checked later, from the cache
(validation.py), because a journal accepted now may be posted when Exact's data has changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ledgerlink.journals.choices import Kind

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 1000


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    line: int | None = None  # 1-based position in the submitted lines

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "line": self.line, "message": self.message}


class SubmissionInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LineIn:
    ledger_code: str
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    vat_code: str = ""
    vat_amount: Decimal = Decimal("0")
    description: str = ""
    relation_code: str = ""
    cost_centre: str = ""


@dataclass(frozen=True)
class JournalIn:
    reference: str
    kind: str
    connector: int
    date: date
    description: str = ""
    relation_code: str = ""
    lines: list[LineIn] = field(default_factory=list)


def money(value: Any, name: str, line: int | None, problems: list[Problem]) -> Decimal:
    """A non-negative amount with at most two decimals; floats are refused (they are not exact)."""
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        problems.append(Problem(name, f"{name} must be given as a string or an exact number, not a float", line))
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        problems.append(Problem(name, f"{name} is not an amount: {value!r}", line))
        return Decimal("0.00")
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        problems.append(Problem(name, f"{name} is not an amount this service accepts: {value!r}", line))
        return Decimal("0.00")
    if amount != amount.quantize(CENT):
        problems.append(Problem(name, f"{name} has more than two decimals: {value}", line))
    if amount < 0:
        problems.append(Problem(name, f"{name} may not be negative: {value}", line))
    return amount.quantize(CENT)


def check(journal: JournalIn) -> list[Problem]:
    """Every shape problem of a submission (empty: fine)."""
    problems: list[Problem] = []
    if not journal.reference.strip():
        problems.append(Problem("reference", "reference is required"))
    elif len(journal.reference) > 100:
        problems.append(Problem("reference", "reference is longer than 100 characters"))
    if journal.kind not in Kind.values:
        problems.append(Problem("kind", f"kind must be one of {', '.join(Kind.values)}; got {journal.kind!r}"))
    if len(journal.description) > 200:
        problems.append(Problem("description", "description is longer than 200 characters"))
    if len(journal.relation_code) > 40:
        problems.append(Problem("relation_code", "relation_code is longer than 40 characters"))
    if not journal.lines:
        problems.append(Problem("lines", "a journal needs at least one line"))
    if len(journal.lines) > MAX_LINES:
        problems.append(Problem("lines", f"a journal has at most {MAX_LINES} lines"))
    for number, line in enumerate(journal.lines, start=1):
        if not line.ledger_code.strip():
            problems.append(Problem("ledger_code", "ledger_code is required", number))
        elif len(line.ledger_code) > 40:
            problems.append(Problem("ledger_code", "ledger_code is longer than 40 characters", number))
        if line.debit and line.credit:
            problems.append(Problem("debit", "a line has a debit or a credit amount, not both", number))
        if not line.debit and not line.credit:
            problems.append(Problem("debit", "a line needs a debit or a credit amount", number))
        if line.vat_amount and not line.vat_code.strip():
            problems.append(Problem("vat_code", "a line with a VAT amount needs a VAT code", number))
        if len(line.vat_code) > 10:
            problems.append(Problem("vat_code", "vat_code is longer than 10 characters", number))
        if len(line.description) > 200:
            problems.append(Problem("description", "description is longer than 200 characters", number))
        for name in ("relation_code", "cost_centre"):
            if len(getattr(line, name)) > 40:
                problems.append(Problem(name, f"{name} is longer than 40 characters", number))
    return problems


def normalised(journal: JournalIn) -> dict[str, Any]:
    """The submission as plain JSON (amounts as two-decimal strings), for hashing and for naming differences."""
    data = asdict(journal)
    data["date"] = journal.date.isoformat()
    data["lines"] = [
        {**asdict(line), **{key: f"{getattr(line, key):.2f}" for key in ("debit", "credit", "vat_amount")}}
        for line in journal.lines
    ]
    return data


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Where two submissions with the same reference differ, in words (for the 409)."""
    found = [
        f"{key}: {old.get(key)!r} → {new.get(key)!r}"
        for key in sorted(set(old) | set(new))
        if key != "lines" and old.get(key) != new.get(key)
    ]
    old_lines, new_lines = old.get("lines", []), new.get("lines", [])
    if len(old_lines) != len(new_lines):
        found.append(f"lines: {len(old_lines)} → {len(new_lines)}")
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                found.append(f"line {number} {key}: {a.get(key)!r} → {b.get(key)!r}")
    return found
