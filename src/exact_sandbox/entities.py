"""Entity sets: which properties each one has and how a state object becomes a typed row.

Rows hold typed values (UUID, aware datetime, Decimal, Int64, str, int, bool, None) so that `$filter`
and `$orderby` compare like Exact does; `responses` turns them into JSON. Navigation properties are
kept as `Nav` values and rendered as `__deferred` links unless expanded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .formats import Int64, local_midnight, pad_left, pad_right, server_time, utc_offset_seconds
from .models import Division, Entry, EntryLine, TransactionLine, User

ACCOUNT_CODE_WIDTH = 18
VAT_CODE_WIDTH = 3
PAGE_SIZE = 60
COUNTRY_WIDTH = 3
SEARCH_CODE_WIDTH = 9  # recorded: "RENTE    ", "ALBEX    "


@dataclass(frozen=True)
class Nav:
    """A navigation property value: the target set's path and, for $expand, its rows."""

    name: str
    rows: tuple[dict[str, object], ...]
    target: EntitySet


RowBuilder = Callable[[Division, User, datetime], list[dict[str, object]]]


@dataclass(frozen=True)
class EntitySet:
    service: str
    name: str
    type_name: str
    key: str
    fields: tuple[str, ...]
    build: RowBuilder | None = None
    navs: tuple[str, ...] = ()
    select_required: bool = False
    methods: frozenset[str] = frozenset({"GET"})
    entry_kind: str | None = None  # the kind of entry a POST or DELETE on this set makes or removes
    volatile: bool = False  # rows change when entries are posted (reference data never changes)

    @property
    def path(self) -> str:
        return f"{self.service}/{self.name}"

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


# -- reference data ----------------------------------------------------------------------------
def gl_account_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    rows = []
    for a in division.gl_accounts.values():
        vat = division.vat_codes.get(a.vat_code) if a.vat_code else None
        rows.append(
            {
                "ID": a.id,
                "BalanceSide": a.balance_side,
                "BalanceType": a.balance_type,
                "Code": a.code,
                "Costcenter": None,
                "Costunit": None,
                "Created": _seeded(division),
                "Description": a.description,
                "Division": division.code,
                "IsBlocked": a.is_blocked,
                "Matching": False,
                "Modified": _seeded(division),
                "SearchCode": _search_code(a.search_code),
                "Type": a.type,
                "TypeDescription": a.type_description,
                "VATCode": _vat(a.vat_code),
                "VATDescription": vat.description if vat else None,
            }
        )
    return rows


def journal_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    rows = []
    for j in division.journals.values():
        code, desc = _gl_ref(division, j.gl_account)
        rows.append(
            {
                "ID": j.id,
                "AllowVariableCurrency": False,
                "AllowVAT": j.allow_vat,
                "Code": j.code,
                "Created": _seeded(division),
                "Currency": "EUR",
                "Description": j.description,
                "Division": division.code,
                "GLAccount": j.gl_account,
                "GLAccountCode": code,
                "GLAccountDescription": desc,
                "Modified": _seeded(division),
                "Type": j.type,
                "TypeDescription": j.type_description,
            }
        )
    return rows


def vat_code_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    rows = []
    for v in division.vat_codes.values():
        pay_code, pay_desc = _gl_ref(division, v.gl_to_pay)
        claim_code, claim_desc = _gl_ref(division, v.gl_to_claim)
        rows.append(
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
            }
        )
    return rows


def period_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [
        {
            "ID": p.id,
            "Created": _seeded(division),
            "Division": division.code,
            "EndDate": local_midnight(p.end),
            "FinPeriod": p.period,
            "FinYear": p.year,
            "Modified": _seeded(division),
            "StartDate": local_midnight(p.start),
        }
        for p in division.periods.values()
    ]


def crm_account_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [
        {
            "ID": a.id,
            "Blocked": False,
            "City": a.city or None,
            "Code": pad_left(a.code, ACCOUNT_CODE_WIDTH),
            "Country": pad_right(a.country, COUNTRY_WIDTH),
            "Created": _seeded(division),
            "Division": division.code,
            "Email": a.email or None,
            "GLAP": a.gl_ap,
            "GLAR": a.gl_ar,
            "IsSales": a.is_sales,
            "IsSupplier": a.is_supplier,
            "Modified": _seeded(division),
            "Name": a.name,
            "SearchCode": _search_code(a.name.split()[0].upper()),
            "Status": a.status,
            "VATNumber": a.vat_number or None,
        }
        for a in division.accounts.values()
    ]


def division_rows_for(divisions: list[Division], user: User) -> list[dict[str, object]]:
    return [
        {
            "Code": d.code,
            "ArchiveDate": None,
            "Country": "NL ",
            "Created": _seeded(d),
            "Currency": "EUR",
            "Current": d.code == user.current_division,
            "Customer": d.customer_id,
            "CustomerCode": pad_left(d.customer_code, ACCOUNT_CODE_WIDTH),
            "CustomerName": d.customer_name,
            "Description": d.description,
            "Hid": Int64(d.hid),
            "IsMainDivision": d.hid == 1,
            "Modified": _seeded(d),
            "StartDate": local_midnight(d.start_date),
            "Status": 1,
            "TemplateCode": "NLRETAIL",
            "VATNumber": d.vat_number,
        }
        for d in divisions
    ]


def me_row(user: User, division: Division, now: datetime) -> dict[str, object]:
    return {
        "UserID": user.id,
        "AccountingDivision": division.code,
        "CurrentDivision": user.current_division,
        "DivisionCustomer": division.customer_id,
        "DivisionCustomerCode": pad_left(division.customer_code, ACCOUNT_CODE_WIDTH),
        "DivisionCustomerName": division.customer_name,
        "DivisionCustomerVatNumber": division.vat_number,
        "DossierDivision": None,
        "Email": user.username,
        "FirstName": user.first_name,
        "FullName": user.full_name,
        "Initials": user.first_name[:1] + ".",
        "IsClientUser": False,
        "IsStarterUser": False,
        "Language": "NL",
        "LanguageCode": user.language_code,
        "LastName": user.last_name,
        "Legislation": Int64(1),
        "PackageCode": "EOLAPPCENTER",
        "ServerTime": server_time(now),
        "ServerUtcOffset": utc_offset_seconds(now),
        "Title": None,
        "UserName": user.username,
    }


# -- entries -----------------------------------------------------------------------------------
def _entry_common(division: Division, e: Entry) -> dict[str, object]:
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


def gje_line_row(division: Division, e: Entry, line: EntryLine) -> dict[str, object]:
    code, desc = _gl_ref(division, line.gl_account)
    vat = division.vat_codes.get(line.vat_code) if line.vat_code else None
    return {
        "ID": line.id,
        "Account": None,
        "AmountDC": line.amount_fc,
        "AmountFC": line.amount_fc,
        "AmountVATDC": line.vat_amount,
        "AmountVATFC": line.vat_amount,
        "Created": e.created,
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
        "Modified": e.modified,
        "Notes": line.notes,
        "OurRef": None,
        "Quantity": line.quantity,
        "Type": e.type,
        "VATBaseAmountDC": line.vat_base,
        "VATBaseAmountFC": line.vat_base,
        "VATCode": _vat(line.vat_code),
        "VATPercentage": line.vat_percentage,
        "VATType": vat.type if vat else None,
    }


def gje_row(division: Division, e: Entry) -> dict[str, object]:
    lines = tuple(gje_line_row(division, e, line) for line in e.lines)
    return {
        "EntryID": e.id,
        **_entry_common(division, e),
        "CustomField": None,
        "ExchangeRate": Decimal(1),
        "FinancialPeriod": e.period,
        "FinancialYear": e.year,
        "GeneralJournalEntryLines": Nav("GeneralJournalEntryLines", lines, GENERAL_JOURNAL_ENTRY_LINES),
        "JournalCode": e.journal_code,
        "Reversal": e.reversal,
        "Type": e.type,
        "TypeDescription": "Other",
    }


def sales_line_row(division: Division, e: Entry, line: EntryLine) -> dict[str, object]:
    code, desc = _gl_ref(division, line.gl_account)
    return {
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
        "VATAmountDC": line.vat_amount,
        "VATAmountFC": line.vat_amount,
        "VATBaseAmountDC": line.vat_base,
        "VATBaseAmountFC": line.vat_base,
        "VATCode": _vat(line.vat_code),
        "VATPercentage": line.vat_percentage,
    }


def sales_row(division: Division, e: Entry) -> dict[str, object]:
    customer = division.accounts.get(e.customer) if e.customer else None
    lines = tuple(sales_line_row(division, e, line) for line in e.lines)
    net = sum((line.amount_fc for line in e.lines), Decimal(0))
    vat = sum((line.vat_amount for line in e.lines), Decimal(0))
    return {
        "EntryID": e.id,
        **_entry_common(division, e),
        "AmountDC": net + vat,
        "AmountFC": net + vat,
        "Customer": e.customer,
        "CustomerName": customer.name if customer else None,
        "Description": e.description,
        "DueDate": local_midnight(e.entry_date + timedelta(days=14)),
        "EntryDate": local_midnight(e.entry_date),
        "InvoiceNumber": e.entry_number,
        "Journal": e.journal_code,
        "PaymentCondition": None,
        "PaymentReference": e.payment_reference,
        "ReportingPeriod": e.period,
        "ReportingYear": e.year,
        "SalesEntryLines": Nav("SalesEntryLines", lines, SALES_ENTRY_LINES),
        "Type": e.type,
        "TypeDescription": "Sales entry" if e.type == 20 else "Sales credit note",
        "VATAmountDC": vat,
        "VATAmountFC": vat,
        "YourRef": e.your_ref,
    }


def transaction_line_row(division: Division, e: Entry, t: TransactionLine) -> dict[str, object]:
    code, desc = _gl_ref(division, t.gl_account)
    account = division.accounts.get(t.account) if t.account else None
    journal = division.journals[e.journal_code]
    return {
        "ID": t.id,
        "Account": t.account,
        "AccountCode": pad_left(account.code, ACCOUNT_CODE_WIDTH) if account else None,
        "AccountName": account.name if account else None,
        "AmountDC": t.amount,
        "AmountFC": t.amount,
        "AmountVATBaseFC": t.vat_base,
        "AmountVATFC": t.vat_amount,
        "Created": e.created,
        "Currency": e.currency,
        "Date": local_midnight(t.date),
        "Description": t.description,
        "Division": division.code,
        "EntryID": e.id,
        "EntryNumber": e.entry_number,
        "FinancialPeriod": e.period,
        "FinancialYear": e.year,
        "GLAccount": t.gl_account,
        "GLAccountCode": code,
        "GLAccountDescription": desc,
        "InvoiceNumber": e.entry_number if e.kind == "sales" else None,
        "JournalCode": e.journal_code,
        "JournalDescription": journal.description,
        "LineNumber": t.line_number,
        "LineType": t.line_type,
        "Modified": e.modified,
        "Notes": t.notes,
        "Status": e.status,
        "Type": e.type,
        "VATCode": _vat(t.vat_code),
        "VATPercentage": t.vat_percentage,
        "YourRef": e.your_ref,
    }


def _entries(division: Division, kind: str) -> list[Entry]:
    return [e for e in division.entries.values() if e.kind == kind]


def _memo(entry: Entry, name: str, build: Callable[[], list[dict[str, object]]]) -> list[dict[str, object]]:
    """An entry never changes once posted, so its rows are built once and kept on it."""
    rows = entry.row_cache.get(name)
    if rows is None:
        rows = build()
        entry.row_cache[name] = rows
    return rows


def entry_row(division: Division, e: Entry) -> dict[str, object]:
    """The header row of a posted entry (GeneralJournalEntries or SalesEntries)."""
    build = gje_row if e.kind == "general" else sales_row
    return _memo(e, "header", lambda: [build(division, e)])[0]


def gje_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [entry_row(division, e) for e in _entries(division, "general")]


def gje_line_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [
        row
        for e in _entries(division, "general")
        for row in _memo(e, "lines", lambda e=e: [gje_line_row(division, e, line) for line in e.lines])
    ]


def sales_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [entry_row(division, e) for e in _entries(division, "sales")]


def sales_line_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [
        row
        for e in _entries(division, "sales")
        for row in _memo(e, "lines", lambda e=e: [sales_line_row(division, e, line) for line in e.lines])
    ]


def transaction_rows(division: Division, user: User, now: datetime) -> list[dict[str, object]]:
    return [
        row
        for e in division.entries.values()
        for row in _memo(e, "ledger", lambda e=e: [transaction_line_row(division, e, t) for t in e.transaction_lines])
    ]


GENERAL_JOURNAL_ENTRY_LINES = EntitySet(
    "generaljournalentry",
    "GeneralJournalEntryLines",
    "Exact.Web.Api.Models.GeneralJournalEntryLine",
    "ID",
    (
        "ID",
        "Account",
        "AmountDC",
        "AmountFC",
        "AmountVATDC",
        "AmountVATFC",
        "Created",
        "Date",
        "Description",
        "Division",
        "EntryID",
        "EntryNumber",
        "FinancialPeriod",
        "FinancialYear",
        "GLAccount",
        "GLAccountCode",
        "GLAccountDescription",
        "JournalCode",
        "LineNumber",
        "Modified",
        "Notes",
        "OurRef",
        "Quantity",
        "Type",
        "VATBaseAmountDC",
        "VATBaseAmountFC",
        "VATCode",
        "VATPercentage",
        "VATType",
    ),
    gje_line_rows,
    select_required=True,
    volatile=True,
)

SALES_ENTRY_LINES = EntitySet(
    "salesentry",
    "SalesEntryLines",
    "Exact.Web.Api.Models.SalesEntryLine",
    "ID",
    (
        "ID",
        "AmountDC",
        "AmountFC",
        "Description",
        "Division",
        "EntryID",
        "GLAccount",
        "GLAccountCode",
        "GLAccountDescription",
        "LineNumber",
        "Notes",
        "Quantity",
        "VATAmountDC",
        "VATAmountFC",
        "VATBaseAmountDC",
        "VATBaseAmountFC",
        "VATCode",
        "VATPercentage",
    ),
    sales_line_rows,
    volatile=True,
)

GENERAL_JOURNAL_ENTRIES = EntitySet(
    "generaljournalentry",
    "GeneralJournalEntries",
    "Exact.Web.Api.Models.GeneralJournalEntry",
    "EntryID",
    (
        "EntryID",
        "Created",
        "Currency",
        "Division",
        "EntryNumber",
        "JournalDescription",
        "Modified",
        "Status",
        "StatusDescription",
        "CustomField",
        "ExchangeRate",
        "FinancialPeriod",
        "FinancialYear",
        "JournalCode",
        "Reversal",
        "Type",
        "TypeDescription",
    ),
    gje_rows,
    navs=("GeneralJournalEntryLines",),
    select_required=True,
    methods=frozenset({"GET", "POST", "DELETE"}),
    entry_kind="general",
    volatile=True,
)

SALES_ENTRIES = EntitySet(
    "salesentry",
    "SalesEntries",
    "Exact.Web.Api.Models.SalesEntry",
    "EntryID",
    (
        "EntryID",
        "Created",
        "Currency",
        "Division",
        "EntryNumber",
        "JournalDescription",
        "Modified",
        "Status",
        "StatusDescription",
        "AmountDC",
        "AmountFC",
        "Customer",
        "CustomerName",
        "Description",
        "DueDate",
        "EntryDate",
        "InvoiceNumber",
        "Journal",
        "PaymentCondition",
        "PaymentReference",
        "ReportingPeriod",
        "ReportingYear",
        "Type",
        "TypeDescription",
        "VATAmountDC",
        "VATAmountFC",
        "YourRef",
    ),
    sales_rows,
    navs=("SalesEntryLines",),
    methods=frozenset({"GET", "POST", "DELETE"}),
    entry_kind="sales",
    volatile=True,
)

TRANSACTION_LINES = EntitySet(
    "financialtransaction",
    "TransactionLines",
    "Exact.Web.Api.Models.Financial.TransactionLine",
    "ID",
    (
        "ID",
        "Account",
        "AccountCode",
        "AccountName",
        "AmountDC",
        "AmountFC",
        "AmountVATBaseFC",
        "AmountVATFC",
        "Created",
        "Currency",
        "Date",
        "Description",
        "Division",
        "EntryID",
        "EntryNumber",
        "FinancialPeriod",
        "FinancialYear",
        "GLAccount",
        "GLAccountCode",
        "GLAccountDescription",
        "InvoiceNumber",
        "JournalCode",
        "JournalDescription",
        "LineNumber",
        "LineType",
        "Modified",
        "Notes",
        "Status",
        "Type",
        "VATCode",
        "VATPercentage",
        "YourRef",
    ),
    transaction_rows,
    select_required=True,
    volatile=True,
)

GL_ACCOUNTS = EntitySet(
    "financial",
    "GLAccounts",
    "Exact.Web.Api.Models.GLAccount",
    "ID",
    (
        "ID",
        "BalanceSide",
        "BalanceType",
        "Code",
        "Costcenter",
        "Costunit",
        "Created",
        "Description",
        "Division",
        "IsBlocked",
        "Matching",
        "Modified",
        "SearchCode",
        "Type",
        "TypeDescription",
        "VATCode",
        "VATDescription",
    ),
    gl_account_rows,
)

JOURNALS = EntitySet(
    "financial",
    "Journals",
    "Exact.Web.Api.Models.Journal",
    "ID",
    (
        "ID",
        "AllowVariableCurrency",
        "AllowVAT",
        "Code",
        "Created",
        "Currency",
        "Description",
        "Division",
        "GLAccount",
        "GLAccountCode",
        "GLAccountDescription",
        "Modified",
        "Type",
        "TypeDescription",
    ),
    journal_rows,
)

VAT_CODES = EntitySet(
    "vat",
    "VATCodes",
    "Exact.Web.Api.Models.VATCode",
    "ID",
    (
        "ID",
        "Code",
        "Created",
        "Description",
        "Division",
        "GLToClaim",
        "GLToClaimCode",
        "GLToClaimDescription",
        "GLToPay",
        "GLToPayCode",
        "GLToPayDescription",
        "IsBlocked",
        "Modified",
        "Percentage",
        "Type",
        "VATTransactionType",
    ),
    vat_code_rows,
)

FINANCIAL_PERIODS = EntitySet(
    "financial",
    "FinancialPeriods",
    "Exact.Web.Api.Models.FinancialPeriod",
    "ID",
    ("ID", "Created", "Division", "EndDate", "FinPeriod", "FinYear", "Modified", "StartDate"),
    period_rows,
)

CRM_ACCOUNTS = EntitySet(
    "crm",
    "Accounts",
    "Exact.Web.Api.Models.Account",
    "ID",
    (
        "ID",
        "Blocked",
        "City",
        "Code",
        "Country",
        "Created",
        "Division",
        "Email",
        "GLAP",
        "GLAR",
        "IsSales",
        "IsSupplier",
        "Modified",
        "Name",
        "SearchCode",
        "Status",
        "VATNumber",
    ),
    crm_account_rows,
)

DIVISIONS = EntitySet(
    "system",
    "Divisions",
    "Exact.Web.Api.Models.HRM.Division",
    "Code",
    (
        "Code",
        "ArchiveDate",
        "Country",
        "Created",
        "Currency",
        "Current",
        "Customer",
        "CustomerCode",
        "CustomerName",
        "Description",
        "Hid",
        "IsMainDivision",
        "Modified",
        "StartDate",
        "Status",
        "TemplateCode",
        "VATNumber",
    ),
)

ME = EntitySet(
    "current",
    "Me",
    "Exact.Web.Api.Models.System.Me",
    "UserID",
    (
        "UserID",
        "AccountingDivision",
        "CurrentDivision",
        "DivisionCustomer",
        "DivisionCustomerCode",
        "DivisionCustomerName",
        "DivisionCustomerVatNumber",
        "DossierDivision",
        "Email",
        "FirstName",
        "FullName",
        "Initials",
        "IsClientUser",
        "IsStarterUser",
        "Language",
        "LanguageCode",
        "LastName",
        "Legislation",
        "PackageCode",
        "ServerTime",
        "ServerUtcOffset",
        "Title",
        "UserName",
    ),
)

DIVISION_SETS: dict[str, EntitySet] = {
    s.path: s
    for s in (
        GL_ACCOUNTS,
        JOURNALS,
        VAT_CODES,
        FINANCIAL_PERIODS,
        CRM_ACCOUNTS,
        DIVISIONS,
        GENERAL_JOURNAL_ENTRIES,
        GENERAL_JOURNAL_ENTRY_LINES,
        SALES_ENTRIES,
        SALES_ENTRY_LINES,
        TRANSACTION_LINES,
    )
}
