"""The sandbox's state as plain dataclasses. Rules live in backend/oauth/posting; rendering in entities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass
class GLAccount:
    id: uuid.UUID
    code: str
    description: str
    type: int
    type_description: str
    balance_side: str  # D / C
    balance_type: str  # B balance sheet / W profit and loss
    vat_code: str | None = None
    is_blocked: bool = False
    search_code: str = ""


@dataclass
class VATCode:
    id: uuid.UUID
    code: str  # unpadded; rendered 3 wide
    description: str
    percentage: Decimal  # a fraction: 0.21
    type: str  # E excluding, I including, B 0 % / base only, N no VAT
    vat_transaction_type: str  # B both, S sales, P purchase
    gl_to_pay: uuid.UUID | None
    gl_to_claim: uuid.UUID | None
    is_blocked: bool = False


@dataclass
class Journal:
    id: uuid.UUID
    code: str
    description: str
    type: int
    type_description: str
    allow_vat: bool
    gl_account: uuid.UUID | None = None


@dataclass
class FinancialPeriod:
    id: uuid.UUID
    year: int
    period: int
    start: date
    end: date  # exclusive in Exact's data: the first day of the next period
    closed: bool = False


@dataclass
class CrmAccount:
    id: uuid.UUID
    code: str  # unpadded; rendered 18 wide
    name: str
    is_sales: bool
    is_supplier: bool
    status: str  # C customer, S suspect, P prospect, N none
    city: str = ""
    country: str = "NL"
    email: str = ""
    vat_number: str = ""
    gl_ar: uuid.UUID | None = None
    gl_ap: uuid.UUID | None = None
    gl_purchase: uuid.UUID | None = None  # a supplier's default cost account (GLAccountPurchase)


@dataclass
class EntryLine:
    """A line as the client posted it (GeneralJournalEntryLines / SalesEntryLines / PurchaseEntryLines)."""

    id: uuid.UUID
    line_number: int
    gl_account: uuid.UUID
    amount_fc: Decimal
    vat_code: str | None
    vat_amount: Decimal  # VAT on this line (0 when none)
    vat_base: Decimal  # the net amount the VAT was computed on
    vat_percentage: Decimal
    date: date
    description: str | None
    notes: str | None
    quantity: Decimal | None = None
    account: uuid.UUID | None = None  # a general journal line's relation (Account)
    extras: dict[str, object] = field(default_factory=dict)  # properties only stored and shown back


@dataclass
class TransactionLine:
    """What the line became in the ledger (financialtransaction/TransactionLines): signed, DC = FC."""

    id: uuid.UUID
    line_number: int
    line_type: int  # 1 normal line, 2 VAT line, 3 receivable or payable line (sandbox numbering, FIDELITY.md)
    gl_account: uuid.UUID
    amount: Decimal  # debit positive, credit negative
    vat_code: str | None
    vat_percentage: Decimal
    vat_amount: Decimal
    vat_base: Decimal
    date: date
    description: str | None
    notes: str | None
    account: uuid.UUID | None = None


@dataclass
class Entry:
    id: uuid.UUID
    kind: str  # "general", "sales" or "purchase"
    division: int
    journal_code: str
    entry_number: int
    year: int
    period: int
    created: datetime
    modified: datetime
    entry_date: date
    type: int
    status: int = 20
    lines: list[EntryLine] = field(default_factory=list)
    transaction_lines: list[TransactionLine] = field(default_factory=list)
    relation: uuid.UUID | None = None  # the customer of a sales entry, the supplier of a purchase entry
    description: str | None = None
    your_ref: str | None = None
    payment_reference: str | None = None
    currency: str = "EUR"
    reversal: bool = False
    due_date: date | None = None
    creator: uuid.UUID | None = None
    creator_name: str | None = None
    extras: dict[str, object] = field(default_factory=dict)  # properties only stored and shown back
    row_cache: dict[str, list[dict[str, object]]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the demo's state file) without the row cache: it is rebuilt on demand and holds closures."""
        state = self.__dict__.copy()
        state["row_cache"] = {}
        return state


@dataclass
class Division:
    code: int
    description: str
    hid: int
    customer_id: uuid.UUID
    customer_code: str
    customer_name: str
    vat_number: str
    start_date: date
    gl_accounts: dict[uuid.UUID, GLAccount] = field(default_factory=dict)
    vat_codes: dict[str, VATCode] = field(default_factory=dict)
    journals: dict[str, Journal] = field(default_factory=dict)
    periods: dict[tuple[int, int], FinancialPeriod] = field(default_factory=dict)
    accounts: dict[uuid.UUID, CrmAccount] = field(default_factory=dict)
    entries: dict[uuid.UUID, Entry] = field(default_factory=dict)
    entry_sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    version: int = 0  # bumped on every change of entries, so cached rows can be reused until then

    def gl_by_code(self, code: str) -> GLAccount:
        for account in self.gl_accounts.values():
            if account.code == code:
                return account
        raise KeyError(code)


@dataclass
class User:
    id: uuid.UUID
    username: str
    password: str
    full_name: str
    first_name: str
    last_name: str
    divisions: list[int]
    current_division: int
    language_code: str = "nl-NL"


@dataclass
class App:
    client_id: str
    name: str
    redirect_uri: str
    client_secret: str
    webhook_secret: str
    created: datetime


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    username: str
    expires: datetime
    used: bool = False


@dataclass
class TokenChain:
    """One authorization: the current access/refresh pair and its history."""

    id: int
    client_id: str
    username: str
    access_token: str
    access_issued: datetime
    refresh_token: str
    refresh_issued: datetime
    revoked_reason: str | None = None
    previous_refresh_token: str | None = None  # the one rotated out by the last refresh
    pair_used: bool = False  # has the current pair been used since it was issued (grace policy)
