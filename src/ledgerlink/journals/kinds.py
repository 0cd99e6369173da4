"""The journal kinds, one description each: what a kind becomes in Exact and how it is checked, sent and found.

Validation, payload, posting (and its lookup after a lost answer), the mapping and the pages read a kind's
description here instead of asking which kind a journal is. A new kind is one entry in :data:`KINDS` (with its
choice in ``choices.Kind``, its mapping column and its tests); nothing else branches on the kind.

Amounts of a journal are signed debit positive, credit negative. ``line_sign`` turns such an amount into the
amount Exact wants on an entry line: a general journal entry takes it as it is, a sales entry the other way
round (revenue is a credit, and a positive amount on the invoice), a purchase entry as it is (costs are a
debit). An invoice whose entry lines add up to less than zero is a credit note: ``credit_note_type``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import Kind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Relation(StrEnum):
    """Which relation an entry names in Exact (crm Accounts), and under which cached list it is found."""

    NONE = ""
    CUSTOMER = "customer"  # IsSales: the header's Customer
    SUPPLIER = "supplier"  # IsSupplier: the header's Supplier


class Lookup(StrEnum):
    """Where the journal's marker goes, and so how it is found again after a lost answer."""

    LINE_NOTES = "line_notes"  # Notes of every entry line: find a line by Notes, then its entry by EntryID
    YOUR_REF = "your_ref"  # the header's YourRef: find the entry by YourRef


class YourRef(StrEnum):
    """What an invoice's YourRef holds."""

    NONE = ""  # no YourRef (general journal entries have none)
    MARKER = "marker"  # the marker (sales: the lookup)
    INVOICE_NUMBER = "invoice_number"  # the relation's own invoice number (purchase: the supplier's)


# Exact's GLAccount.Type values that an invoice line may not book on (cash, bank, receivable, payable, VAT):
# those are the balance-sheet sides Exact books itself (reference §5.4; the sandbox refuses them the same way).
BALANCE_SHEET_GL_TYPES = frozenset({10, 12, 20, 22, 24})
RECEIVABLE = 20  # GLAccount.Type of accounts receivable (debtors)
PAYABLE = 22  # GLAccount.Type of accounts payable (creditors)


@dataclass(frozen=True)
class JournalKind:
    kind: Kind
    # What it becomes in Exact: the entity, exactlink's resources of the entries and their lines, the property
    # holding the lines, the header property naming the journal, and the line property of the VAT amount.
    entity: str
    entries: str
    entry_lines: str
    lines_property: str
    journal_property: str
    vat_amount_property: str
    line_date: bool  # each line carries the journal's date (general journal entries)
    journal_type: int  # Exact's Journals.Type the mapped journal must have
    default_journal_code: str
    journal_field: str  # the mapping's (ConnectorMapping, MappingRules) journal code of this kind
    journal_label: str | _StrPromise  # that field on the mapping page
    wrong_journal: str  # message code: the mapped journal has another type
    marker_in: Lookup
    your_ref: YourRef
    line_sign: int  # journal amount (debit +, credit -) × line_sign = the entry line's AmountFC
    relation: Relation = Relation.NONE
    relation_property: str = ""  # the header property naming the relation
    relation_field: str = ""  # the mapping's fallback relation (walk-in customer, fallback supplier)
    relation_label: str | _StrPromise | None = None
    relation_none: str = ""  # message code: no relation and no fallback
    relation_missing: str = ""  # message code: the relation is not in Exact as this kind's relation
    open_item_gl_type: int | None = None  # the ERP's line on this GL type is Exact's to make: not sent
    refused_gl_types: frozenset[int] = frozenset()  # GL types an entry line may not book on
    refuses_including_vat: bool = False  # entry lines are amounts excluding VAT
    refused_vat_use: str = ""  # a VATCodes.VATTransactionType this kind may not use ("P", "S")
    invoice_type: int | None = None  # Exact's Type of an invoice; the credit note is the next number

    def entry_type(self, line_total_fc: Decimal) -> int | None:
        """Exact's Type for entry lines adding up to ``line_total_fc``: a credit note below zero."""
        if self.invoice_type is None:
            return None
        return self.invoice_type + 1 if line_total_fc < 0 else self.invoice_type

    @property
    def invoice_like(self) -> bool:
        return self.invoice_type is not None


KINDS: dict[str, JournalKind] = {
    spec.kind.value: spec
    for spec in (
        JournalKind(
            kind=Kind.CASH,
            entity="GeneralJournalEntries",
            entries="general_journal_entries",
            entry_lines="general_journal_entry_lines",
            lines_property="GeneralJournalEntryLines",
            journal_property="JournalCode",
            vat_amount_property="AmountVATFC",
            line_date=True,
            journal_type=90,
            default_journal_code="90",
            journal_field="cash_journal_code",
            journal_label=_("Journal for cash journals"),
            wrong_journal=m.JOURNAL_NOT_GENERAL,
            marker_in=Lookup.LINE_NOTES,
            your_ref=YourRef.NONE,
            line_sign=1,
        ),
        JournalKind(
            kind=Kind.INVOICE,
            entity="SalesEntries",
            entries="sales_entries",
            entry_lines="sales_entry_lines",
            lines_property="SalesEntryLines",
            journal_property="Journal",
            vat_amount_property="VATAmountFC",
            line_date=False,
            journal_type=20,
            default_journal_code="70",
            journal_field="invoice_journal_code",
            journal_label=_("Journal for invoices"),
            wrong_journal=m.JOURNAL_NOT_SALES,
            marker_in=Lookup.YOUR_REF,
            your_ref=YourRef.MARKER,
            line_sign=-1,
            relation=Relation.CUSTOMER,
            relation_property="Customer",
            relation_field="walk_in_customer_code",
            relation_label=_("Walk-in customer"),
            relation_none=m.CUSTOMER_NONE,
            relation_missing=m.CUSTOMER_MISSING,
            open_item_gl_type=RECEIVABLE,
            refused_gl_types=BALANCE_SHEET_GL_TYPES,
            refuses_including_vat=True,
            refused_vat_use="P",
            invoice_type=20,
        ),
        JournalKind(
            kind=Kind.PURCHASE,
            entity="PurchaseEntries",
            entries="purchase_entries",
            entry_lines="purchase_entry_lines",
            lines_property="PurchaseEntryLines",
            journal_property="Journal",
            vat_amount_property="VATAmountFC",
            line_date=False,
            journal_type=22,
            default_journal_code="60",
            journal_field="purchase_journal_code",
            journal_label=_("Journal for purchase invoices"),
            wrong_journal=m.JOURNAL_NOT_PURCHASE,
            # YourRef is the supplier's invoice number, which need not be unique: the marker goes on the lines.
            marker_in=Lookup.LINE_NOTES,
            your_ref=YourRef.INVOICE_NUMBER,
            line_sign=1,
            relation=Relation.SUPPLIER,
            relation_property="Supplier",
            relation_field="fallback_supplier_code",
            relation_label=_("Supplier for purchases without one"),
            relation_none=m.SUPPLIER_NONE,
            relation_missing=m.SUPPLIER_MISSING,
            open_item_gl_type=PAYABLE,
            refused_gl_types=BALANCE_SHEET_GL_TYPES,
            refuses_including_vat=True,
            refused_vat_use="S",
            invoice_type=30,
        ),
    )
}


def kind_of(kind: str) -> JournalKind:
    """The description of a stored or submitted kind (``Kind`` or its value)."""
    return KINDS[str(kind.value if isinstance(kind, Kind) else kind)]
