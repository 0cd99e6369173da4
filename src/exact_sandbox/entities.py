"""Entity sets: which properties each one has and how a state object becomes a typed row.

Every row has every property of its entity (`schema`), in Exact's order: the sandbox's own values, and
for what it has no data for, null or what an unused property shows in Exact's recorded bodies. Rows hold
typed values (UUID, aware datetime, Decimal, Int64, str, int, bool, None) so that `$filter` and
`$orderby` compare like Exact does; `render` turns them into JSON. Navigation properties are kept as
`Nav` values and rendered as `__deferred` links unless expanded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from . import schema as S
from .formats import Int64, local_midnight, pad_left, pad_right, server_time, utc_offset_seconds
from .models import Division, Entry, EntryLine, TransactionLine, User

ACCOUNT_CODE_WIDTH = 18
VAT_CODE_WIDTH = 3
PAGE_SIZE = 60
COUNTRY_WIDTH = 3
SEARCH_CODE_WIDTH = 9  # recorded: "RENTE    ", "ALBEX    "
PAYMENT_DAYS = 14  # DueDate = EntryDate + 14 days: the sandbox has no payment conditions

Row = dict[str, object]


@dataclass(frozen=True)
class Nav:
    """A navigation property value: the target set's path and, for $expand, its rows."""

    name: str
    rows: tuple[Row, ...]
    target: EntitySet


RowBuilder = Callable[[Division, User, datetime], list[Row]]
ManyBuilder = Callable[[list[Division], User, datetime], list[Row]]


@dataclass(frozen=True)
class EntitySet:
    service: str
    name: str
    type_name: str
    key: str
    props: S.Table
    build: RowBuilder | None = None
    navs: tuple[str, ...] = ()
    select_required: bool = False
    methods: frozenset[str] = frozenset({"GET"})
    entry_kind: str | None = None  # the kind of entry a POST or DELETE on this set makes or removes
    volatile: bool = False  # rows change when entries are posted (reference data never changes)
    # sets about divisions themselves: rows built from several divisions, not one division's data
    build_many: ManyBuilder | None = None
    all_divisions: bool = False  # every division of the licence, or only those the user may use
    line_of: str | None = None  # for a line set that takes POSTs: the entry kind its lines belong to

    @property
    def path(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def fields(self) -> tuple[str, ...]:
        """The properties `$select`, `$filter` and `$orderby` may name (navigation properties apart)."""
        return tuple(name for name in self.props if name not in self.navs)

    def key_literal(self, value: object) -> str:
        return f"guid'{value}'" if isinstance(value, uuid.UUID) else str(value)


def _vat(code: str | None) -> str | None:
    return pad_right(code, VAT_CODE_WIDTH) if code is not None else None


def _search_code(text: str) -> str:
    return pad_right(text[:SEARCH_CODE_WIDTH], SEARCH_CODE_WIDTH)


def _seeded(division: Division) -> datetime:
    return local_midnight(division.start_date)


def _gl_ref(division: Division, gl_id: uuid.UUID | None) -> tuple[str | None, str | None]:
    account = division.gl_accounts.get(gl_id) if gl_id else None
    return (account.code, account.description) if account else (None, None)


def _vat_description(division: Division, code: str | None) -> str | None:
    vat = division.vat_codes.get(code) if code else None
    return vat.description if vat else None


# -- reference data ----------------------------------------------------------------------------
def gl_account_rows(division: Division, user: User, now: datetime) -> list[Row]:
    rows = []
    for a in division.gl_accounts.values():
        rows.append(
            S.complete(
                S.GL_ACCOUNT,
                {
                    "ID": a.id,
                    "BalanceSide": a.balance_side,
                    "BalanceType": a.balance_type,
                    "Code": a.code,
                    "Created": _seeded(division),
                    "Description": a.description,
                    "Division": division.code,
                    "IsBlocked": a.is_blocked,
                    "Modified": _seeded(division),
                    "SearchCode": _search_code(a.search_code),
                    "Type": a.type,
                    "TypeDescription": a.type_description,
                    "VATCode": _vat(a.vat_code),
                    "VATDescription": _vat_description(division, a.vat_code),
                },
            )
        )
    return rows


def journal_rows(division: Division, user: User, now: datetime) -> list[Row]:
    rows = []
    for j in division.journals.values():
        code, desc = _gl_ref(division, j.gl_account)
        gl = division.gl_accounts.get(j.gl_account) if j.gl_account else None
        rows.append(
            S.complete(
                S.JOURNAL,
                {
                    "ID": j.id,
                    "AllowVAT": j.allow_vat,
                    "Code": j.code,
                    "Created": _seeded(division),
                    "Currency": "EUR",
                    "CurrencyDescription": "Euro",
                    "Description": j.description,
                    "Division": division.code,
                    "GLAccount": j.gl_account,
                    "GLAccountCode": code,
                    "GLAccountDescription": desc,
                    "GLAccountType": gl.type if gl else None,
                    "Modified": _seeded(division),
                    "Type": j.type,
                    "TypeDescription": j.type_description,
                },
            )
        )
    return rows


def vat_code_rows(division: Division, user: User, now: datetime) -> list[Row]:
    rows = []
    for v in division.vat_codes.values():
        pay_code, pay_desc = _gl_ref(division, v.gl_to_pay)
        claim_code, claim_desc = _gl_ref(division, v.gl_to_claim)
        rows.append(
            S.complete(
                S.VAT_CODE,
                {
                    "ID": v.id,
                    "Code": _vat(v.code),
                    "Created": _seeded(division),
                    "Description": v.description,
                    "Division": division.code,
                    "GLToClaim": v.gl_to_claim,
                    "GLToClaimCode": claim_code,
                    "GLToClaimDescription": claim_desc,
                    "GLToPay": v.gl_to_pay,
                    "GLToPayCode": pay_code,
                    "GLToPayDescription": pay_desc,
                    "IsBlocked": v.is_blocked,
                    "Modified": _seeded(division),
                    "Percentage": v.percentage,
                    "Type": v.type,
                    "VATTransactionType": v.vat_transaction_type,
                },
            )
        )
    return rows


def period_rows(division: Division, user: User, now: datetime) -> list[Row]:
    return [
        S.complete(
            S.FINANCIAL_PERIOD,
            {
                "ID": p.id,
                "Created": _seeded(division),
                "Division": division.code,
                "EndDate": local_midnight(p.end),
                "FinPeriod": p.period,
                "FinYear": p.year,
                "Modified": _seeded(division),
                "StartDate": local_midnight(p.start),
            },
        )
        for p in division.periods.values()
    ]


def crm_account_rows(division: Division, user: User, now: datetime) -> list[Row]:
    return [
        S.complete(
            S.CRM_ACCOUNT,
            {
                "ID": a.id,
                "City": a.city or None,
                "Code": pad_left(a.code, ACCOUNT_CODE_WIDTH),
                "Country": pad_right(a.country, COUNTRY_WIDTH),
                "Created": _seeded(division),
                "Division": division.code,
                "Email": a.email or None,
                "GLAccountPurchase": a.gl_purchase,
                "GLAP": a.gl_ap,
                "GLAR": a.gl_ar,
                "IsSales": a.is_sales,
                "IsSupplier": a.is_supplier,
                "Modified": _seeded(division),
                "Name": a.name,
                "SearchCode": _search_code(a.name.split()[0].upper()),
                "Status": a.status,
                "StatusSince": _seeded(division),
                "VATNumber": a.vat_number or None,
            },
        )
        for a in division.accounts.values()
    ]


def _division_values(d: Division, user: User) -> Row:
    return {
        "Code": d.code,
        "Country": "NL ",
        "Created": _seeded(d),
        "Currency": "EUR",
        "Customer": d.customer_id,
        "CustomerCode": pad_left(d.customer_code, ACCOUNT_CODE_WIDTH),
        "CustomerName": d.customer_name,
        "Description": d.description,
        "Modified": _seeded(d),
        "StartDate": local_midnight(d.start_date),
        "VATNumber": d.vat_number,
    }


def division_rows_for(divisions: list[Division], user: User, now: datetime | None = None) -> list[Row]:
    """system/Divisions: the divisions the user may use."""
    return [
        S.complete(
            S.SYSTEM_DIVISION,
            {
                **_division_values(d, user),
                "Current": d.code == user.current_division,
                "Hid": Int64(d.hid),
                "IsMainDivision": d.hid == 1,
                "Legislation": "1",
                "Status": 1,
                "TemplateCode": "NLRETAIL",
            },
        )
        for d in divisions
    ]


def all_division_rows(divisions: list[Division], user: User, now: datetime | None = None) -> list[Row]:
    """system/AllDivisions: every division of the licence, whether the user may use it or not."""
    return [
        S.complete(
            S.ALL_DIVISION,
            {
                **_division_values(d, user),
                "Current": d.code == user.current_division,
                "Hid": Int64(d.hid),
                "IsMainDivision": d.hid == 1,
                "Legislation": "1",
                "Status": 1,
                "TemplateCode": "NLRETAIL",
            },
        )
        for d in divisions
    ]


def hrm_division_rows(divisions: list[Division], user: User, now: datetime | None = None) -> list[Row]:
    """hrm/Divisions: the divisions the user may use, in the HRM model (`HID`, `Main`, status 0 = active)."""
    return [
        S.complete(
            S.HRM_DIVISION,
            {
                **_division_values(d, user),
                "CountryDescription": "Nederland",
                "CurrencyDescription": "Euro",
                "HID": Int64(d.hid),
                "Main": d.hid == 1,
                "Status": 0,
            },
        )
        for d in divisions
    ]


def me_row(user: User, division: Division, now: datetime) -> Row:
    return S.complete(
        S.ME,
        {
            "UserID": user.id,
            "AccountingDivision": division.code,
            "CurrentDivision": user.current_division,
            "DivisionCustomer": division.customer_id,
            "DivisionCustomerCode": pad_left(division.customer_code, ACCOUNT_CODE_WIDTH),
            "DivisionCustomerName": division.customer_name,
            "DivisionCustomerVatNumber": division.vat_number,
            "Email": user.username,
            "FirstName": user.first_name,
            "FullName": user.full_name,
            "Initials": user.first_name[:1] + ".",
            "Language": "NL",
            "LanguageCode": user.language_code,
            "LastName": user.last_name,
            "Legislation": Int64(1),
            "PackageCode": "EOLAPPCENTER",
            "ServerTime": server_time(now),
            "ServerUtcOffset": utc_offset_seconds(now),
            "UserName": user.username,
        },
    )


# -- entries -----------------------------------------------------------------------------------
TYPE_DESCRIPTIONS = {
    90: "Other",
    20: "Sales entry",
    21: "Sales credit note",
    30: "Purchase entry",
    31: "Purchase credit note",
}


def _stamps(e: Entry) -> Row:
    return {
        "Created": e.created,
        "Creator": e.creator,
        "CreatorFullName": e.creator_name,
        "Modified": e.modified,
        "Modifier": e.creator,
        "ModifierFullName": e.creator_name,
    }


def _entry_common(division: Division, e: Entry) -> Row:
    journal = division.journals[e.journal_code]
    return {
        "Created": e.created,
        "Currency": e.currency,
        "Division": division.code,
        "EntryNumber": e.entry_number,
        "JournalDescription": journal.description,
        "Modified": e.modified,
        "Status": e.status,
        "StatusDescription": "Open" if e.status == 20 else "Processed",
    }


def gje_line_row(division: Division, e: Entry, line: EntryLine) -> Row:
    code, desc = _gl_ref(division, line.gl_account)
    vat = division.vat_codes.get(line.vat_code) if line.vat_code else None
    account = division.accounts.get(line.account) if line.account else None
    return S.complete(
        S.GENERAL_JOURNAL_ENTRY_LINE,
        {
            **_stamps(e),
            **line.extras,
            "ID": line.id,
            "Account": line.account,
            "AccountCode": pad_left(account.code, ACCOUNT_CODE_WIDTH) if account else None,
            "AccountName": account.name if account else None,
            "AmountDC": line.amount_fc,
            "AmountFC": line.amount_fc,
            "AmountVATDC": line.vat_amount,
            "AmountVATFC": line.vat_amount,
            "Date": local_midnight(line.date),
            "Description": line.description,
            "Division": division.code,
            "EntryID": e.id,
            "EntryNumber": e.entry_number,
            "FinancialPeriod": e.period,
            "FinancialYear": e.year,
            "GLAccount": line.gl_account,
            "GLAccountCode": code,
            "GLAccountDescription": desc,
            "JournalCode": e.journal_code,
            "LineNumber": line.line_number,
            "Notes": line.notes,
            "Quantity": line.quantity,
            "Type": e.type,
            "VATBaseAmountDC": line.vat_base,
            "VATBaseAmountFC": line.vat_base,
            "VATCode": _vat(line.vat_code),
            "VATCodeDescription": vat.description if vat else None,
            "VATPercentage": line.vat_percentage,
            "VATType": vat.type if vat else None,
        },
    )


def gje_row(division: Division, e: Entry) -> Row:
    lines = tuple(gje_line_row(division, e, line) for line in e.lines)
    return S.complete(
        S.GENERAL_JOURNAL_ENTRY,
        {
            "EntryID": e.id,
            **_entry_common(division, e),
            "ExchangeRate": Decimal(1),
            "FinancialPeriod": e.period,
            "FinancialYear": e.year,
            "GeneralJournalEntryLines": Nav("GeneralJournalEntryLines", lines, GENERAL_JOURNAL_ENTRY_LINES),
            "JournalCode": e.journal_code,
            "Reversal": e.reversal,
            "Type": e.type,
            "TypeDescription": TYPE_DESCRIPTIONS.get(e.type),
        },
    )


def invoice_line_row(division: Division, e: Entry, line: EntryLine) -> Row:
    code, desc = _gl_ref(division, line.gl_account)
    props = S.SALES_ENTRY_LINE if e.kind == "sales" else S.PURCHASE_ENTRY_LINE
    return S.complete(
        props,
        {
            **line.extras,
            "ID": line.id,
            "AmountDC": line.amount_fc,
            "AmountFC": line.amount_fc,
            "Description": line.description,
            "Division": division.code,
            "EntryID": e.id,
            "GLAccount": line.gl_account,
            "GLAccountCode": code,
            "GLAccountDescription": desc,
            "LineNumber": line.line_number,
            "Notes": line.notes,
            "Quantity": line.quantity,
            "Type": e.type,
            "VATAmountDC": line.vat_amount,
            "VATAmountFC": line.vat_amount,
            "VATBaseAmountDC": line.vat_base,
            "VATBaseAmountFC": line.vat_base,
            "VATCode": _vat(line.vat_code),
            "VATCodeDescription": _vat_description(division, line.vat_code),
            "VATPercentage": line.vat_percentage,
        },
    )


def invoice_row(division: Division, e: Entry) -> Row:
    """A SalesEntries or PurchaseEntries header; the relation is the customer or the supplier."""
    relation = division.accounts.get(e.relation) if e.relation else None
    lines = tuple(invoice_line_row(division, e, line) for line in e.lines)
    net = sum((line.amount_fc for line in e.lines), Decimal(0))
    vat = sum((line.vat_amount for line in e.lines), Decimal(0))
    if e.kind == "sales":
        props, own = (
            S.SALES_ENTRY,
            {
                "Customer": e.relation,
                "CustomerName": relation.name if relation else None,
                "SalesEntryLines": Nav("SalesEntryLines", lines, SALES_ENTRY_LINES),
            },
        )
    else:
        props, own = (
            S.PURCHASE_ENTRY,
            {
                "Supplier": e.relation,
                "SupplierName": relation.name if relation else None,
                "PurchaseEntryLines": Nav("PurchaseEntryLines", lines, PURCHASE_ENTRY_LINES),
            },
        )
    return S.complete(
        props,
        {
            **_stamps(e),
            **e.extras,
            "EntryID": e.id,
            **_entry_common(division, e),
            **own,
            "AmountDC": net + vat,
            "AmountFC": net + vat,
            "Description": e.description,
            "DueDate": local_midnight(e.due_date or e.entry_date + timedelta(days=PAYMENT_DAYS)),
            "EntryDate": local_midnight(e.entry_date),
            "InvoiceNumber": e.entry_number,
            "Journal": e.journal_code,
            "PaymentReference": e.payment_reference,
            "ReportingPeriod": e.period,
            "ReportingYear": e.year,
            "Reversal": e.reversal,
            "Type": e.type,
            "TypeDescription": TYPE_DESCRIPTIONS.get(e.type),
            "VATAmountDC": vat,
            "VATAmountFC": vat,
            "YourRef": e.your_ref,
        },
    )


def transaction_line_row(division: Division, e: Entry, t: TransactionLine) -> Row:
    code, desc = _gl_ref(division, t.gl_account)
    account = division.accounts.get(t.account) if t.account else None
    journal = division.journals[e.journal_code]
    vat = division.vat_codes.get(t.vat_code) if t.vat_code else None
    invoice = e.kind in ("sales", "purchase")
    return S.complete(
        S.TRANSACTION_LINE,
        {
            **_stamps(e),
            "ID": t.id,
            "Account": t.account,
            "AccountCode": pad_left(account.code, ACCOUNT_CODE_WIDTH) if account else None,
            "AccountName": account.name if account else None,
            "AmountDC": t.amount,
            "AmountFC": t.amount,
            "AmountVATBaseFC": t.vat_base,
            "AmountVATFC": t.vat_amount,
            "Currency": e.currency,
            "Date": local_midnight(t.date),
            "Description": t.description,
            "Division": division.code,
            "Document": e.extras.get("Document"),
            "DueDate": local_midnight(e.due_date or e.entry_date + timedelta(days=PAYMENT_DAYS)) if invoice else None,
            "EntryID": e.id,
            "EntryNumber": e.entry_number,
            "FinancialPeriod": e.period,
            "FinancialYear": e.year,
            "GLAccount": t.gl_account,
            "GLAccountCode": code,
            "GLAccountDescription": desc,
            "InvoiceNumber": e.entry_number if invoice else None,
            "JournalCode": e.journal_code,
            "JournalDescription": journal.description,
            "LineNumber": t.line_number,
            "LineType": t.line_type,
            "Notes": t.notes,
            "OrderNumber": e.extras.get("OrderNumber"),
            "PaymentReference": e.payment_reference,
            "Status": e.status,
            "Type": e.type,
            "VATCode": _vat(t.vat_code),
            "VATCodeDescription": vat.description if vat else None,
            "VATPercentage": t.vat_percentage,
            "VATType": vat.type if vat else None,
            "YourRef": e.your_ref,
        },
    )


def _entries(division: Division, kind: str) -> list[Entry]:
    return [e for e in division.entries.values() if e.kind == kind]


def _memo(entry: Entry, name: str, build: Callable[[], list[Row]]) -> list[Row]:
    """An entry never changes once stored (a new line replaces the entry), so its rows are built once."""
    rows = entry.row_cache.get(name)
    if rows is None:
        rows = build()
        entry.row_cache[name] = rows
    return rows


def entry_row(division: Division, e: Entry) -> Row:
    """The header row of a posted entry (GeneralJournalEntries, SalesEntries or PurchaseEntries)."""
    build = gje_row if e.kind == "general" else invoice_row
    return _memo(e, "header", lambda: [build(division, e)])[0]


def _header_rows(kind: str) -> RowBuilder:
    def build(division: Division, user: User, now: datetime) -> list[Row]:
        return [entry_row(division, e) for e in _entries(division, kind)]

    return build


def _line_rows(kind: str) -> RowBuilder:
    row = gje_line_row if kind == "general" else invoice_line_row

    def build(division: Division, user: User, now: datetime) -> list[Row]:
        out: list[Row] = []
        for e in _entries(division, kind):

            def lines(e: Entry = e) -> list[Row]:
                return [row(division, e, x) for x in e.lines]

            out.extend(_memo(e, "lines", lines))
        return out

    return build


def transaction_rows(division: Division, user: User, now: datetime) -> list[Row]:
    out: list[Row] = []
    for e in division.entries.values():

        def ledger(e: Entry = e) -> list[Row]:
            return [transaction_line_row(division, e, t) for t in e.transaction_lines]

        out.extend(_memo(e, "ledger", ledger))
    return out


ENTRY_METHODS = frozenset({"GET", "POST", "DELETE"})

GENERAL_JOURNAL_ENTRY_LINES = EntitySet(
    "generaljournalentry",
    "GeneralJournalEntryLines",
    "Exact.Web.Api.Models.GeneralJournalEntryLine",
    "ID",
    S.GENERAL_JOURNAL_ENTRY_LINE,
    _line_rows("general"),
    select_required=True,
    methods=frozenset({"GET", "POST"}),
    volatile=True,
    line_of="general",
)

SALES_ENTRY_LINES = EntitySet(
    "salesentry",
    "SalesEntryLines",
    "Exact.Web.Api.Models.SalesEntryLine",
    "ID",
    S.SALES_ENTRY_LINE,
    _line_rows("sales"),
    volatile=True,
)

PURCHASE_ENTRY_LINES = EntitySet(
    "purchaseentry",
    "PurchaseEntryLines",
    "Exact.Web.Api.Models.PurchaseEntryLine",
    "ID",
    S.PURCHASE_ENTRY_LINE,
    _line_rows("purchase"),
    volatile=True,
)

GENERAL_JOURNAL_ENTRIES = EntitySet(
    "generaljournalentry",
    "GeneralJournalEntries",
    "Exact.Web.Api.Models.GeneralJournalEntry",
    "EntryID",
    S.GENERAL_JOURNAL_ENTRY,
    _header_rows("general"),
    navs=("GeneralJournalEntryLines",),
    select_required=True,
    methods=ENTRY_METHODS,
    entry_kind="general",
    volatile=True,
)

SALES_ENTRIES = EntitySet(
    "salesentry",
    "SalesEntries",
    "Exact.Web.Api.Models.SalesEntry",
    "EntryID",
    S.SALES_ENTRY,
    _header_rows("sales"),
    navs=("SalesEntryLines",),
    methods=ENTRY_METHODS,
    entry_kind="sales",
    volatile=True,
)

PURCHASE_ENTRIES = EntitySet(
    "purchaseentry",
    "PurchaseEntries",
    "Exact.Web.Api.Models.PurchaseEntry",
    "EntryID",
    S.PURCHASE_ENTRY,
    _header_rows("purchase"),
    navs=("PurchaseEntryLines",),
    select_required=True,
    methods=ENTRY_METHODS,
    entry_kind="purchase",
    volatile=True,
)

TRANSACTION_LINES = EntitySet(
    "financialtransaction",
    "TransactionLines",
    "Exact.Web.Api.Models.Financial.TransactionLine",
    "ID",
    S.TRANSACTION_LINE,
    transaction_rows,
    select_required=True,
    volatile=True,
)

GL_ACCOUNTS = EntitySet(
    "financial", "GLAccounts", "Exact.Web.Api.Models.GLAccount", "ID", S.GL_ACCOUNT, gl_account_rows
)
JOURNALS = EntitySet("financial", "Journals", "Exact.Web.Api.Models.Journal", "ID", S.JOURNAL, journal_rows)
VAT_CODES = EntitySet("vat", "VATCodes", "Exact.Web.Api.Models.VATCode", "ID", S.VAT_CODE, vat_code_rows)
FINANCIAL_PERIODS = EntitySet(
    "financial", "FinancialPeriods", "Exact.Web.Api.Models.FinancialPeriod", "ID", S.FINANCIAL_PERIOD, period_rows
)
CRM_ACCOUNTS = EntitySet("crm", "Accounts", "Exact.Web.Api.Models.Account", "ID", S.CRM_ACCOUNT, crm_account_rows)

DIVISIONS = EntitySet(
    "system",
    "Divisions",
    "Exact.Web.Api.Models.HRM.Division",
    "Code",
    S.SYSTEM_DIVISION,
    build_many=division_rows_for,
)
ALL_DIVISIONS = EntitySet(
    "system",
    "AllDivisions",
    "Exact.Web.Api.Models.System.AllDivision",
    "Code",
    S.ALL_DIVISION,
    build_many=all_division_rows,
    all_divisions=True,
)
HRM_DIVISIONS = EntitySet(
    "hrm",
    "Divisions",
    "Exact.Web.Api.Models.HRM.Division",
    "Code",
    S.HRM_DIVISION,
    build_many=hrm_division_rows,
)

ME = EntitySet("current", "Me", "Exact.Web.Api.Models.System.Me", "UserID", S.ME)

DIVISION_SETS: dict[str, EntitySet] = {
    s.path: s
    for s in (
        GL_ACCOUNTS,
        JOURNALS,
        VAT_CODES,
        FINANCIAL_PERIODS,
        CRM_ACCOUNTS,
        DIVISIONS,
        ALL_DIVISIONS,
        HRM_DIVISIONS,
        GENERAL_JOURNAL_ENTRIES,
        GENERAL_JOURNAL_ENTRY_LINES,
        SALES_ENTRIES,
        SALES_ENTRY_LINES,
        PURCHASE_ENTRIES,
        PURCHASE_ENTRY_LINES,
        TRANSACTION_LINES,
    )
}
