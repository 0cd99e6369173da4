"""Journals, their lines and posting attempts; per-connector mapping and the connector's Exact data.

Money is ``Decimal`` with two decimals (``DecimalField(14, 2)``); nothing here is ever a float.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import MessageField
from ledgerlink.core.sql import InLiterals
from ledgerlink.journals.choices import (
    AttemptAction,
    AttemptOutcome,
    ExactDataKind,
    ImportStatus,
    JournalStatus,
    Kind,
    Source,
)
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.scoping import TenantManager

MONEY_DIGITS, MONEY_PLACES = 14, 2  # every amount: DecimalField(14, 2)


# The statuses of a journal waiting to be sent, in the order of the journal_waiting index's condition (a query that
# names them with ``status__in_literals`` may use that index on SQLite too: core/sql.InLiterals).
WAITING_STATUSES = (JournalStatus.QUEUED, JournalStatus.UNKNOWN)


class Journal(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="journals")
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="journals")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=100)  # the ERP's idempotency key
    date = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    relation_code = models.CharField(max_length=40, blank=True)  # invoices: the customer; purchases: the supplier
    invoice_number = models.CharField(max_length=30, blank=True)  # purchases: the supplier's (Exact's YourRef)
    content_hash = models.CharField(max_length=64)  # of the normalised submission, for idempotent re-posts
    content = models.JSONField()  # the normalised submission, to name differences on a 409
    # Put on every line in Exact (and in YourRef of SalesEntries) so an entry can be found after a timeout.
    marker = models.CharField(max_length=24, unique=True)

    status = models.CharField(max_length=16, choices=JournalStatus.choices, default=JournalStatus.QUEUED, db_index=True)
    status_message = MessageField()  # why the journal is in its status: a code and parameters (messages.py)
    exact_entry_id = models.CharField(max_length=40, blank=True)
    exact_entry_number = models.CharField(max_length=20, blank=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    # Set whenever the journal may be in Exact without us knowing (no answer, or its worker died while
    # sending); the next attempt looks it up by its marker before posting.
    needs_lookup = models.BooleanField(default=False)
    # The Exact division the journal was last sent to: an unknown outcome is looked up there, even if the
    # connector has moved to another division since.
    exact_division = models.PositiveIntegerField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # The closed financial period ("2026/11") a person let the journal wait for (waiting.py): queued, tried by the
    # worker at most once an hour, blank when it waits for nothing.
    waits_for_period = models.CharField(max_length=12, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.API)
    # A correction of a posted journal (actions.correct) is two journals: the reversal of the original and the
    # corrected journal; each points at the original, so all three pages link to each other.
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replacements")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Journal"]()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "reference"], name="journal_reference_per_company")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at", "connector", "date"], name="journal_due"),
            # The claim (posting.claim): does this connector have a waiting journal, and which are its oldest?
            # One probe per connector whatever the length of the queue.
            models.Index(
                fields=["connector", "date", "id"],
                condition=models.Q(status__in=list(WAITING_STATUSES)),
                name="journal_waiting",
            ),
            # The claim's search for connectors with a due journal: one probe per connector, the index holding all
            # it asks (covering). Without it SQLite read journal_due for each connector, every due journal of every
            # connector (issue 13: 7-12 ms of CPU per search at 13,000 queued over 100 connectors). Not partial:
            # SQLite uses a partial index only when the query names its condition's values in the SQL, and Django
            # sends them as parameters.
            models.Index(fields=["connector", "status", "next_attempt_at"], name="journal_due_per_connector"),
            # The claim passes over connectors a sender holds (one sender per connector): one probe each.
            models.Index(fields=["connector"], condition=models.Q(status="sending"), name="journal_sending"),
        ]

    def __str__(self) -> str:
        return f"journal {self.reference}"


# The claim reads a connector's oldest waiting journals through journal_waiting (posting._oldest).
Journal._meta.get_field("status").register_lookup(InLiterals)


class JournalLine(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    ledger_code = models.CharField(max_length=40)
    debit = models.DecimalField(default=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    credit = models.DecimalField(default=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    vat_code = models.CharField(max_length=10, blank=True)
    vat_amount = models.DecimalField(default=0, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
    description = models.CharField(max_length=200, blank=True)
    relation_code = models.CharField(max_length=40, blank=True)
    cost_centre = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["line_no"]
        constraints = [models.UniqueConstraint(fields=["journal", "line_no"], name="journal_line_once")]


class Attempt(models.Model):
    """One try to post (or to find) a journal in Exact."""

    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=16, choices=AttemptAction.choices, default=AttemptAction.POST)
    http_status = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices)
    # What the attempt found: coded messages (``Message.to_json()`` plus ``field``/``line``); Exact's own
    # words as ``Message.exact``.
    messages = models.JSONField(default=list, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "id"]


class ConnectorMapping(models.Model):
    """How one connector maps the ERP's codes to Exact's. Identity by default, as RetailVista advises."""

    connector = models.OneToOneField(Connector, on_delete=models.CASCADE, related_name="mapping")
    cash_journal_code = models.CharField(max_length=10, default="90")
    invoice_journal_code = models.CharField(max_length=10, default="70")
    walk_in_customer_code = models.CharField(max_length=40, blank=True)
    purchase_journal_code = models.CharField(max_length=10, default="60")
    fallback_supplier_code = models.CharField(max_length=40, blank=True)  # purchases without a supplier
    fallback_sales_gl = models.CharField(max_length=40, blank=True)  # for unknown revenue ledgers
    fallback_vat_gl = models.CharField(max_length=40, blank=True)  # for unknown VAT ledgers
    # Which ERP ledgers are VAT ledgers (codes, or prefixes ending in *): only those may fall back to
    # fallback_vat_gl. A line without a VAT code cannot tell a VAT ledger from a payment ledger by itself.
    vat_ledgers = models.JSONField(default=list, blank=True)
    ledger_overrides = models.JSONField(default=dict, blank=True)  # ERP ledger code → Exact GL code
    vat_overrides = models.JSONField(default=dict, blank=True)  # ERP VAT code → Exact VAT code
    updated_at = models.DateTimeField(auto_now=True)


class ExactDataSnapshot(models.Model):
    """One kind of Exact data of a connector's division (exact_data.py), read once and used for every journal."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="exact_data")
    kind = models.CharField(max_length=16, choices=ExactDataKind.choices)
    division = models.PositiveIntegerField()
    items = models.JSONField(default=list)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "kind"], name="exact_data_once_per_kind")]


class ExactRelation(models.Model):
    """One relation (a customer) of a connector's division as last read from Exact (exact_data.py).

    A row each, found by its code through an index, so that admitting a journal reads the one relation it
    names, not an administration of 50,000 customers (a kind's snapshot holds only when it was read)."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="exact_relations")
    kind = models.CharField(max_length=16, choices=ExactDataKind.choices)
    division = models.PositiveIntegerField()
    generation = models.PositiveIntegerField()  # one per read; the kind's snapshot names the one in use
    code = models.CharField(max_length=30)  # Exact's Code (18 characters), without its padding
    exact_id = models.CharField(max_length=36)
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "kind", "generation", "code"], name="exact_relation_once_per_code"
            )
        ]


class ApiKey(models.Model):
    """A company's key for the REST API. Only a hash is stored; the key is shown once at creation."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)  # shown, and used to find the row
    key_hash = models.CharField(max_length=64)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ApiKey"]()

    class Meta:
        ordering = ["-created_at"]


class ImportJob(models.Model):
    """An uploaded RetailVista file, imported by the worker in short transactions (import_jobs.py, ADR 0017).

    The file itself is kept in the database every web and worker process shares (``ImportFile``), so any worker
    on any machine can import it. Counters are what the job page shows while it runs; ``problems`` keeps the
    first ``MAX_STORED_PROBLEMS`` as coded messages (``problem_count`` counts them all).
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="import_jobs")
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(max_length=255)
    digest = models.CharField(max_length=64)  # sha256 of the file: the same file again is recognised at once
    size = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    lines_total = models.PositiveIntegerField(default=0)
    entries_total = models.PositiveIntegerField(default=0)
    entries_checked = models.PositiveIntegerField(default=0)
    journals_created = models.PositiveIntegerField(default=0)
    journals_unchanged = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)  # file lines with a zero amount
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # a running job that stops beating is taken over

    objects = TenantManager["ImportJob"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="import_job_due"),
            models.Index(fields=["company", "connector", "digest"], name="import_job_file"),
        ]

    def __str__(self) -> str:
        return f"import {self.file_name}"


class ImportFile(models.Model):
    """The uploaded bytes of an import, in a row of their own: the job's row is updated after every written
    chunk, and SQLite rewrites a whole row on any update (17 ms for a 10 MB file, each time, in the write lock
    another company's request waits for)."""

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, related_name="file", primary_key=True)
    data = models.BinaryField()
