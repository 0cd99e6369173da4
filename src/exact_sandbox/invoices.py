"""Posting sales and purchase entries (reference §5.2): one rule set, described per kind.

A sales entry books revenue for a customer in a sales journal (type 20); a purchase entry books costs
for a supplier in a purchase journal (type 22, code 60 in the seed), its `YourRef` being the supplier's
invoice number. Line amounts exclude VAT. A credit note is an entry whose total is negative (amounts
negative, as Exact posts and returns them): its type is 21 / 31, set from the sign when `Type` is not
sent; a `Type` that contradicts the sign is refused.

Ledger (financialtransaction/TransactionLines): sales lines credit revenue and the VAT to pay, and one
line debits the customer's receivable account with the total; purchase lines debit costs and the VAT to
claim, and one line credits the supplier's payable account. A credit note reverses the same accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from . import bodies as B
from . import rules as R
from .bodies import ValidationError
from .formats import local_date
from .models import CrmAccount, Division, Entry, EntryLine, User

HEADER = frozenset(
    {
        "Journal",
        "EntryDate",
        "Description",
        "YourRef",
        "ReportingYear",
        "ReportingPeriod",
        "Currency",
        "PaymentReference",
        "Type",
        "EntryNumber",
        "PaymentCondition",
        "DueDate",
        "Document",
        "OrderNumber",
        "BatchNumber",
        "ExternalLinkReference",
        "ExternalLinkDescription",
        "GAccountAmountFC",
        "Reversal",
        "Rate",
    }
)
LINE = frozenset(
    {
        "GLAccount",
        "AmountFC",
        "VATCode",
        "VATAmountFC",
        "Description",
        "Notes",
        "Quantity",
        "CostCenter",
        "CostUnit",
        "Project",
        "Asset",
        "Subscription",
        "TrackingNumber",
        "From",
        "To",
        "SerialNumber",
        "IntraStatArea",
        "IntraStatCountry",
        "IntraStatDeliveryTerm",
        "IntraStatTransactionA",
        "IntraStatTransportMethod",
        "StatisticalNetWeight",
        "StatisticalNumber",
        "StatisticalQuantity",
        "StatisticalValue",
    }
)


@dataclass(frozen=True)
class InvoiceKind:
    kind: str  # the Entry.kind
    type_name: str
    line_type_name: str
    relation: str  # the header property naming the relation: Customer / Supplier
    relation_role: str  # "customer (sales relation)"
    lines: str  # the navigation property holding the lines
    lines_label: str  # "Sales entry lines"
    journal_type: int
    journal_word: str
    entry_type: int  # 20 / 30; the credit note is one more
    type_words: tuple[str, str]  # ("sales entry", "sales credit note")
    sign: int  # ledger sign of a line amount: -1 sales (revenue is a credit), +1 purchases (costs)
    vat_side: str  # "pay" / "claim"
    wrong_vat_use: str  # a VATTransactionType this kind may not use: "P" for sales, "S" for purchases
    header: frozenset[str]
    line: frozenset[str]

    def is_relation(self, account: CrmAccount) -> bool:
        return account.is_sales if self.kind == "sales" else account.is_supplier

    def open_item_gl(self, division: Division, account: CrmAccount) -> uuid.UUID:
        if self.kind == "sales":
            return account.gl_ar or division.gl_by_code("1300").id
        return account.gl_ap or division.gl_by_code("1600").id


SALES = InvoiceKind(
    "sales",
    "Exact.Web.Api.Models.SalesEntry",
    "Exact.Web.Api.Models.SalesEntryLine",
    "Customer",
    "customer (sales relation)",
    "SalesEntryLines",
    "Sales entry lines",
    20,
    "sales",
    20,
    ("sales entry", "sales credit note"),
    -1,
    "pay",
    "P",
    HEADER | {"Customer", "SalesEntryLines"},
    LINE | {"IntraStatTransactionB"},
)

PURCHASE = InvoiceKind(
    "purchase",
    "Exact.Web.Api.Models.PurchaseEntry",
    "Exact.Web.Api.Models.PurchaseEntryLine",
    "Supplier",
    "supplier (purchase relation)",
    "PurchaseEntryLines",
    "Purchase entry lines",
    22,
    "purchase",
    30,
    ("purchase entry", "purchase credit note"),
    1,
    "claim",
    "S",
    HEADER | {"Supplier", "PurchaseEntryLines"},
    LINE | {"VATNonDeductiblePercentage", "WithholdingTax"},
)


def _line(
    kind: InvoiceKind, division: Division, raw: B.Body, number: int, entry_date: date, errors: list[str]
) -> R.Line:
    gl = R.gl_account(division, B.guid(raw, "GLAccount"), errors)
    if gl is not None and gl.type in R.BALANCE_SHEET_GL_TYPES:
        errors.append(
            f"Invalid: G/L account type ({gl.code} - {gl.description} is a {gl.type_description.lower()} account)"
        )
    amount = B.amount(raw, "AmountFC")
    if amount is None:
        errors.append("Mandatory: Amount")
        amount = Decimal(0)
    code = B.text(raw, "VATCode")
    if code is None and gl is not None:
        code = gl.vat_code
    vat = R.vat_code(division, code, errors)
    if vat is not None and vat.type == "I":
        errors.append(f"Not allowed: VAT code '{vat.code}' includes VAT; {kind.type_words[0]} line amounts exclude VAT")
        vat = None
    elif vat is not None and vat.vat_transaction_type == kind.wrong_vat_use:
        other = "purchases" if kind.wrong_vat_use == "P" else "sales"
        errors.append(f"Not allowed: VAT code '{vat.code}' is for {other} only")
        vat = None
    net, tax = R.vat_split(amount, vat, B.amount(raw, "VATAmountFC"), errors)
    B.no_such_references(raw, kind.line, errors)
    line = EntryLine(
        uuid.uuid4(),
        number,
        gl.id if gl else uuid.UUID(int=0),
        amount,
        vat.code if vat else None,
        tax,
        net,
        vat.percentage if vat else Decimal(0),
        entry_date,
        B.text(raw, "Description"),
        B.text(raw, "Notes"),
        B.amount(raw, "Quantity"),
        extras=B.kept(raw, kind.line),
    )
    return R.Line(line, gl, vat, net, net + tax)


def post_invoice(kind: InvoiceKind, division: Division, user: User, body: B.Body, now: datetime) -> Entry:
    """Validate and store a sales or purchase entry; the caller holds the backend lock."""
    B.check_properties(body, kind.header, kind.type_name)
    errors: list[str] = []
    relation_id = B.guid(body, kind.relation)
    journal_code = B.text(body, "Journal")
    entry_date = B.day(body, "EntryDate") or local_date(now)
    due_date = B.day(body, "DueDate")
    year, period = B.integer(body, "ReportingYear"), B.integer(body, "ReportingPeriod")
    wanted_number = B.int32(body, "EntryNumber")
    wanted_type = B.int32(body, "Type")
    description, your_ref = B.text(body, "Description"), B.text(body, "YourRef")
    payment_reference = B.text(body, "PaymentReference")
    reversal = B.boolean(body, "Reversal") is True
    rate = B.number(body, "Rate")
    raw_lines = B.lines(body, kind.lines)
    for raw in raw_lines:
        B.check_properties(raw, kind.line, kind.line_type_name)
    R.currency(body, errors)
    if rate is not None and rate != 1:
        errors.append(f"Invalid: Rate {rate} (the sandbox emulates EUR only)")

    relation = None
    if relation_id is None:
        errors.append(f"Mandatory: {kind.relation}")
    else:
        relation = division.accounts.get(relation_id)
        if relation is None:
            errors.append(f"Invalid reference: {kind.relation} {relation_id}")
        elif not kind.is_relation(relation):
            errors.append(f"Invalid: {kind.relation} '{relation.name}' is not a {kind.relation_role}")
    journal = R.journal(division, journal_code, kind.journal_type, kind.journal_word, errors)
    if not raw_lines:
        errors.append(f"Mandatory: {kind.lines_label}")
    if (year is None) != (period is None):
        errors.append("Mandatory: Reporting year and reporting period go together")
    if year is None or period is None:
        year, period = entry_date.year, entry_date.month
    R.period(division, year, period, errors)

    lines = [_line(kind, division, raw, n, entry_date, errors) for n, raw in enumerate(raw_lines, start=1)]
    total = sum((line.total for line in lines), Decimal(0))
    entry_type = _type(kind, wanted_type, total, errors)
    entry_number = R.next_number(division, journal.code, year, wanted_number, errors) if journal else 0
    if errors:
        raise ValidationError(errors)
    assert journal is not None and relation is not None
    R.commit_number(division, journal.code, year, wanted_number)
    entry = Entry(
        uuid.uuid4(),
        kind.kind,
        division.code,
        journal.code,
        entry_number,
        year,
        period,
        now,
        now,
        entry_date,
        entry_type,
        relation=relation.id,
        description=description,
        your_ref=your_ref,
        payment_reference=payment_reference,
        reversal=reversal,
        due_date=due_date,
        creator=user.id,
        creator_name=user.full_name,
        extras=B.kept(body, kind.header),
    )
    entry.lines = [line.raw for line in lines]
    ledger = R.ledger_lines(lines, kind.sign, kind.vat_side)
    ledger.append(
        R.open_item_line(
            len(ledger) + 1,
            kind.open_item_gl(division, relation),
            -kind.sign * total,
            entry_date,
            description,
            relation.id,
        )
    )
    entry.transaction_lines = ledger
    division.entries[entry.id] = entry
    division.version += 1
    return entry


def _type(kind: InvoiceKind, wanted: int | None, total: Decimal, errors: list[str]) -> int:
    """The entry type: an invoice, or a credit note when the total is negative (checked if sent)."""
    invoice, credit = kind.entry_type, kind.entry_type + 1
    if wanted is None:
        return credit if total < 0 else invoice
    if wanted not in (invoice, credit):
        errors.append(f"Invalid: Type {wanted} ({invoice} {kind.type_words[0]} or {credit} {kind.type_words[1]})")
    elif wanted == credit and total > 0:
        errors.append(
            f"Invalid: Type {credit} ({kind.type_words[1]}) with a positive total; a credit note's amounts are negative"
        )
    elif wanted == invoice and total < 0:
        errors.append(
            f"Invalid: Type {invoice} ({kind.type_words[0]}) with a negative total; "
            f"send Type {credit} for a credit note"
        )
    return wanted
