"""Closed value sets of journals."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CASH = "cash", _("Cash journal")  # → GeneralJournalEntries in the memoriaal journal
    INVOICE = "invoice", _("Invoice")  # → SalesEntries
    PURCHASE = "purchase", _("Purchase invoice")  # → PurchaseEntries


class JournalStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    POSTED = "posted", _("Posted")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown")
    CANCELLED = "cancelled", _("Cancelled")  # never sent, and never will be (actions.cancel)


class Source(models.TextChoices):
    """How a journal came in."""

    API = "api", _("REST API")
    IMPORT = "import", _("File import")


class AttemptAction(models.TextChoices):
    """What an attempt did in Exact."""

    POST = "post", _("Post")
    VALIDATE = "validate", _("Check before sending")
    RECONCILE = "reconcile", _("Look up by marker")


class AttemptOutcome(models.TextChoices):
    POSTED = "posted", _("Posted")
    REJECTED = "rejected", _("Rejected by Exact")
    INVALID = "invalid", _("Refused before sending")
    UNKNOWN = "unknown", _("No answer")
    RETRY = "retry", _("Try again later")
    FOUND = "found", _("Found in Exact")
    ABSENT = "absent", _("Not in Exact")


class ExactDataKind(models.TextChoices):
    GL_ACCOUNTS = "gl_accounts", _("GL accounts")
    VAT_CODES = "vat_codes", _("VAT codes")
    JOURNALS = "journals", _("Journals")
    PERIODS = "periods", _("Financial periods")
    CUSTOMERS = "customers", _("Customers")
    SUPPLIERS = "suppliers", _("Suppliers")


class ImportStatus(models.TextChoices):
    """Where an uploaded file is (import_jobs.py): waiting for the worker, being read and checked, being written,
    or finished one way or the other."""

    PENDING = "pending", _("Waiting for the worker")
    CHECKING = "checking", _("Checking")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Nothing imported")
    FAILED = "failed", _("Stopped by an error")
