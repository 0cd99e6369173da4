"""Thin, typed access to the entity sets ledgerlink uses.

Each entity set is described once (:class:`EntitySet`: path, key, how to read its fields, which
fields are GUIDs, a default ``$select`` where Exact demands one) and served by a small resource
object bound to a division::

    div = client.division(7001)
    for acc in div.gl_accounts.iterate(Query().select("ID", "Code").filter(F("Code") == "8000")):
        ...
    entry = div.general_journal_entries.create({...})

Entities are plain dicts (typed as ``TypedDict`` for editors and mypy) with Exact's property names.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

from .errors import ApiError, NotFound
from .odata import Query
from .values import Code, Deferred, FieldSpec, convert_entity, guid, loads

if TYPE_CHECKING:
    from .client import ExactClient

T = TypeVar("T")

AMOUNTS = (
    "AmountDC",
    "AmountFC",
    "AmountVATDC",
    "AmountVATFC",
    "VATAmountDC",
    "VATAmountFC",
    "VATBaseAmountDC",
    "VATBaseAmountFC",
    "VATPercentage",
    "Quantity",
    "ExchangeRate",
)


# --- entity shapes ----------------------------------------------------------------------------


class Me(TypedDict, total=False):
    UserID: str
    CurrentDivision: int
    FullName: str
    UserName: str
    Email: str
    LanguageCode: str
    Legislation: int
    DivisionCustomerCode: Code
    DivisionCustomerName: str


class DivisionInfo(TypedDict, total=False):
    Code: int
    Description: str
    Current: bool
    Currency: str
    Country: Code
    Hid: int
    Status: int


class GLAccount(TypedDict, total=False):
    ID: str
    Code: Code
    Description: str
    Type: int
    BalanceSide: str
    BalanceType: str
    VATCode: Code | None
    IsBlocked: bool
    SearchCode: Code


class Journal(TypedDict, total=False):
    ID: str
    Code: Code
    Description: str
    Type: int
    AllowVAT: bool
    GLAccount: str | None


class VATCode(TypedDict, total=False):
    ID: str
    Code: Code
    Description: str
    Percentage: Decimal
    Type: str
    VATTransactionType: str
    GLToPay: str | None
    GLToClaim: str | None
    IsBlocked: bool


class FinancialPeriod(TypedDict, total=False):
    ID: str
    FinYear: int
    FinPeriod: int
    StartDate: date
    EndDate: date


class Account(TypedDict, total=False):
    ID: str
    Code: Code
    Name: str
    IsSales: bool
    IsSupplier: bool
    VATNumber: str | None
    Country: Code | None
    Created: datetime


class GeneralJournalEntryLine(TypedDict, total=False):
    ID: str
    EntryID: str
    GLAccount: str
    GLAccountCode: Code
    Date: date
    AmountFC: Decimal
    AmountDC: Decimal
    AmountVATFC: Decimal
    VATCode: Code | None
    Description: str | None
    Notes: str | None
    LineNumber: int


class GeneralJournalEntry(TypedDict, total=False):
    EntryID: str
    EntryNumber: int
    JournalCode: Code
    FinancialYear: int
    FinancialPeriod: int
    Status: int
    Type: int
    Created: datetime
    GeneralJournalEntryLines: list[GeneralJournalEntryLine] | Deferred


class SalesEntryLine(TypedDict, total=False):
    ID: str
    EntryID: str
    GLAccount: str
    AmountFC: Decimal
    AmountDC: Decimal
    VATCode: Code | None
    VATAmountFC: Decimal
    Description: str | None


class SalesEntry(TypedDict, total=False):
    EntryID: str
    EntryNumber: int
    Journal: Code
    Customer: str
    EntryDate: date
    DueDate: date
    YourRef: str | None
    Description: str | None
    AmountDC: Decimal
    AmountFC: Decimal
    Status: int
    SalesEntryLines: list[SalesEntryLine] | Deferred


class PurchaseEntryLine(TypedDict, total=False):
    ID: str
    EntryID: str
    GLAccount: str
    AmountFC: Decimal
    AmountDC: Decimal
    VATCode: Code | None
    VATAmountFC: Decimal
    Description: str | None


class PurchaseEntry(TypedDict, total=False):
    EntryID: str
    EntryNumber: int
    Journal: Code
    Supplier: str
    EntryDate: date
    DueDate: date
    YourRef: str | None  # the supplier's invoice number
    Description: str | None
    AmountDC: Decimal
    AmountFC: Decimal
    VATAmountFC: Decimal
    Type: int  # 30 purchase entry, 31 purchase credit note
    Status: int
    PurchaseEntryLines: list[PurchaseEntryLine] | Deferred


class TransactionLine(TypedDict, total=False):
    ID: str
    EntryID: str
    EntryNumber: int
    Date: date
    GLAccount: str
    GLAccountCode: Code
    AmountDC: Decimal
    AmountFC: Decimal
    Description: str | None
    JournalCode: Code
    FinancialYear: int
    FinancialPeriod: int
    Timestamp: int


# --- field rules ------------------------------------------------------------------------------

ME_SPEC = FieldSpec(int64=("Legislation",), codes=("DivisionCustomerCode", "CustomerCode"))
DIVISION_SPEC = FieldSpec(
    int64=("Hid",), codes=("Country", "Legislation", "CustomerCode"), dates=("StartDate", "ArchiveDate")
)
GL_SPEC = FieldSpec(codes=("Code", "SearchCode", "VATCode"), decimals=("ExpenseNonDeductiblePercentage",))
JOURNAL_SPEC = FieldSpec(codes=("Code",))
VAT_SPEC = FieldSpec(codes=("Code",), decimals=("Percentage",))
PERIOD_SPEC = FieldSpec(dates=("StartDate", "EndDate"))
ACCOUNT_SPEC = FieldSpec(codes=("Code", "SearchCode", "Country"), decimals=("CreditLinePurchase", "CreditLineSales"))
GJE_LINE_SPEC = FieldSpec(dates=("Date",), decimals=AMOUNTS, codes=("GLAccountCode", "VATCode", "JournalCode"))
GJE_SPEC = FieldSpec(
    codes=("JournalCode",), decimals=("ExchangeRate",), nested={"GeneralJournalEntryLines": GJE_LINE_SPEC}
)
SALES_LINE_SPEC = FieldSpec(dates=("Date",), decimals=AMOUNTS, codes=("GLAccountCode", "VATCode"))
SALES_SPEC = FieldSpec(
    dates=("EntryDate", "DueDate"),
    decimals=AMOUNTS,
    codes=("Journal",),
    nested={"SalesEntryLines": SALES_LINE_SPEC},
)
PURCHASE_LINE_SPEC = FieldSpec(decimals=AMOUNTS, codes=("GLAccountCode", "VATCode"))
PURCHASE_SPEC = FieldSpec(
    dates=("EntryDate", "DueDate"),
    decimals=AMOUNTS,
    codes=("Journal",),
    nested={"PurchaseEntryLines": PURCHASE_LINE_SPEC},
)
TXN_SPEC = FieldSpec(
    dates=("Date",), decimals=AMOUNTS, int64=("Timestamp",), codes=("GLAccountCode", "JournalCode", "VATCode")
)


@dataclass(frozen=True)
class EntitySet:
    """Everything the client needs to know about one entity set."""

    path: str
    key: str
    spec: FieldSpec
    int_key: bool = False
    writable: bool = False
    guid_fields: frozenset[str] = frozenset()
    default_select: tuple[str, ...] = ()  # sent when the caller selects nothing and Exact insists


GJE_LINE_FIELDS = (
    "ID",
    "EntryID",
    "GLAccount",
    "GLAccountCode",
    "Date",
    "AmountFC",
    "AmountDC",
    "AmountVATFC",
    "VATCode",
    "Description",
    "Notes",
    "LineNumber",
)
TXN_FIELDS = (
    "ID",
    "EntryID",
    "EntryNumber",
    "Date",
    "GLAccount",
    "GLAccountCode",
    "AmountDC",
    "AmountFC",
    "Description",
    "JournalCode",
    "FinancialYear",
    "FinancialPeriod",
    "LineType",
    "VATCode",
    "YourRef",
    "Notes",
)

DIVISIONS = EntitySet("system/Divisions", "Code", DIVISION_SPEC, int_key=True)
GL_ACCOUNTS = EntitySet("financial/GLAccounts", "ID", GL_SPEC)
JOURNALS = EntitySet("financial/Journals", "ID", JOURNAL_SPEC)
VAT_CODES = EntitySet("vat/VATCodes", "ID", VAT_SPEC)
FINANCIAL_PERIODS = EntitySet("financial/FinancialPeriods", "ID", PERIOD_SPEC)
ACCOUNTS = EntitySet("crm/Accounts", "ID", ACCOUNT_SPEC)
GENERAL_JOURNAL_ENTRIES = EntitySet(
    "generaljournalentry/GeneralJournalEntries",
    "EntryID",
    GJE_SPEC,
    writable=True,
    guid_fields=frozenset({"GLAccount", "Account", "EntryID", "Document", "Project", "Asset"}),
    default_select=(
        "EntryID",
        "EntryNumber",
        "JournalCode",
        "FinancialYear",
        "FinancialPeriod",
        "Status",
        "Type",
        "Created",
    ),
)
GENERAL_JOURNAL_ENTRY_LINES = EntitySet(
    "generaljournalentry/GeneralJournalEntryLines", "ID", GJE_LINE_SPEC, default_select=GJE_LINE_FIELDS
)
SALES_ENTRIES = EntitySet(
    "salesentry/SalesEntries",
    "EntryID",
    SALES_SPEC,
    writable=True,
    guid_fields=frozenset({"Customer", "GLAccount", "EntryID", "Document", "Project"}),
)
SALES_ENTRY_LINES = EntitySet("salesentry/SalesEntryLines", "ID", SALES_LINE_SPEC)
PURCHASE_ENTRIES = EntitySet(
    "purchaseentry/PurchaseEntries",
    "EntryID",
    PURCHASE_SPEC,
    writable=True,
    guid_fields=frozenset({"Supplier", "GLAccount", "EntryID", "Document", "Project"}),
    default_select=(  # Exact insists on a $select here (reference §3.4)
        "EntryID",
        "EntryNumber",
        "Journal",
        "Supplier",
        "EntryDate",
        "DueDate",
        "YourRef",
        "Description",
        "AmountDC",
        "AmountFC",
        "VATAmountFC",
        "Type",
        "Status",
    ),
)
PURCHASE_ENTRY_LINES = EntitySet("purchaseentry/PurchaseEntryLines", "ID", PURCHASE_LINE_SPEC)
TRANSACTION_LINES = EntitySet("financialtransaction/TransactionLines", "ID", TXN_SPEC, default_select=TXN_FIELDS)


# --- resource objects -------------------------------------------------------------------------


class Resource(Generic[T]):
    """Read access to one entity set in one division."""

    def __init__(self, client: ExactClient, division: int, entity_set: EntitySet):
        self._client = client
        self.division = division
        self.entity_set = entity_set

    def _params(self, query: Query | None) -> dict[str, str]:
        params = (query or Query()).params()
        if "$select" not in params and self.entity_set.default_select:
            params["$select"] = ",".join(self.entity_set.default_select)
        return params

    def key_url(self, key: str | int | uuid.UUID) -> str:
        """``…/EntitySet(guid'…')`` or ``…/EntitySet(123)``; the key is validated first."""
        if self.entity_set.int_key:
            if isinstance(key, bool) or not isinstance(key, int):
                raise TypeError(f"{self.entity_set.path} has an integer key")
            literal = str(key)
        elif isinstance(key, int):
            raise TypeError(f"{self.entity_set.path} has a GUID key")
        else:
            literal = f"guid'{guid(key)}'"
        return self._client.url(f"{self.entity_set.path}({literal})", self.division)

    def iterate(self, query: Query | None = None) -> Iterator[T]:
        """All matching entities, fetching the next page only when the previous one is used up."""
        return self._client.iter_entities(  # type: ignore[return-value]
            self.entity_set.path,
            division=self.division,
            params=self._params(query),
            spec=self.entity_set.spec,
        )

    def list(self, query: Query | None = None) -> list[T]:
        return list(self.iterate(query))

    def first(self, query: Query | None = None) -> T | None:
        for entity in self.iterate((query or Query()).top(1)):
            return entity
        return None

    def get(self, key: str | int | uuid.UUID, *, select: tuple[str, ...] = ()) -> T:
        """One entity by key; :class:`~exactlink.errors.NotFound` if Exact does not have it."""
        fields = select or self.entity_set.default_select
        params = {"$select": ",".join(fields)} if fields else None
        envelope = self._client.get_envelope(self.key_url(key), division=self.division, params=params)
        if not envelope.entities:
            raise NotFound(f"{self.entity_set.path}({key}) not found", status=404)
        return convert_entity(envelope.entities[0], self.entity_set.spec)  # type: ignore[return-value]

    def count(self, query: Query | None = None) -> int:
        params = {k: v for k, v in (query or Query()).params().items() if k == "$filter"}
        url = self._client.url(f"{self.entity_set.path}/$count", self.division)
        response = self._client.request("GET", url, division=self.division, params=params or None)
        text = response.text.strip()
        if text.isdigit():
            return int(text)
        value = loads(response.content)
        if isinstance(value, int):
            return value
        raise ApiError(f"unexpected $count answer for {self.entity_set.path}", status=response.status_code)


class WritableResource(Resource[T]):
    """An entity set that accepts POST (create) and DELETE."""

    def create(self, body: Mapping[str, Any]) -> T:
        """POST the entity (lines inline) and return what Exact created.

        Never retried: if the answer is lost, the error has ``outcome_unknown`` set and the caller
        must look the entry up (by its reference) before posting again.
        """
        return self._client.post(  # type: ignore[return-value]
            self.entity_set.path,
            body,
            division=self.division,
            guid_fields=self.entity_set.guid_fields,
            spec=self.entity_set.spec,
        )

    def delete(self, key: str | uuid.UUID) -> None:
        self._client.delete(self.key_url(key), division=self.division)


class Division:
    """The resources of one Exact division (administration)."""

    def __init__(self, client: ExactClient, code: int):
        self.client = client
        self.code = int(code)
        self.divisions = Resource[DivisionInfo](client, self.code, DIVISIONS)
        self.gl_accounts = Resource[GLAccount](client, self.code, GL_ACCOUNTS)
        self.journals = Resource[Journal](client, self.code, JOURNALS)
        self.vat_codes = Resource[VATCode](client, self.code, VAT_CODES)
        self.financial_periods = Resource[FinancialPeriod](client, self.code, FINANCIAL_PERIODS)
        self.accounts = Resource[Account](client, self.code, ACCOUNTS)
        self.general_journal_entries = WritableResource[GeneralJournalEntry](client, self.code, GENERAL_JOURNAL_ENTRIES)
        self.general_journal_entry_lines = Resource[GeneralJournalEntryLine](
            client, self.code, GENERAL_JOURNAL_ENTRY_LINES
        )
        self.sales_entries = WritableResource[SalesEntry](client, self.code, SALES_ENTRIES)
        self.sales_entry_lines = Resource[SalesEntryLine](client, self.code, SALES_ENTRY_LINES)
        self.purchase_entries = WritableResource[PurchaseEntry](client, self.code, PURCHASE_ENTRIES)
        self.purchase_entry_lines = Resource[PurchaseEntryLine](client, self.code, PURCHASE_ENTRY_LINES)
        self.transaction_lines = Resource[TransactionLine](client, self.code, TRANSACTION_LINES)

    def __repr__(self) -> str:
        return f"Division({self.code})"
