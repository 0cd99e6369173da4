"""What the operator console reads instead of scanning journals: a summary per connector and its problems.

Both are kept by the worker (``summary.py``): after every round it recounts the connectors whose journals
changed since its last pass, so a page or a scrape reads 10,000 small rows, never 2,000,000 journals.
"""

from __future__ import annotations

from django.db import models

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import MessageField
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.scoping import TenantManager


class ConnectorSummary(models.Model):
    """A connector's journals per status, the oldest one waiting and the last one posted."""

    connector = models.OneToOneField(Connector, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    queued = models.PositiveIntegerField(default=0)
    sending = models.PositiveIntegerField(default=0)
    posted = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    unknown = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    oldest_queued_at = models.DateTimeField(null=True, blank=True)  # accepted at; its age is the wait
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_posted_journal = models.ForeignKey(Journal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    refreshed_at = models.DateTimeField()
    # The most failing answers of one endpoint in the last hour (the error budget, ADR 0009), as the worker's
    # attention job last counted them from the governor's records (attention.py).
    errors_hour = models.PositiveIntegerField(default=0)
    # How badly the connector needs someone (overview.severity: 0 not at all … 4 reauthorization required)
    # and the numbers the console sorts by after it: kept by the attention job, indexed together, so the
    # console's first page and its "needs attention" filter read one index and stop after a page.
    attention = models.PositiveSmallIntegerField(default=0)
    company_number = models.PositiveIntegerField(default=0)
    connector_number = models.PositiveIntegerField(default=0)

    objects = TenantManager["ConnectorSummary"]()

    class Meta:
        indexes = [
            models.Index(fields=["failed"], name="summary_failed"),
            models.Index(fields=["oldest_queued_at"], name="summary_oldest_queued"),
            models.Index(fields=["-attention", "company_number", "connector_number"], name="summary_attention"),
        ]


class Problem(models.Model):
    """The same failure on many journals of one connector, counted once; resolved when no journal has it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="problems")
    key = models.CharField(max_length=64)  # the failure without its per-journal details (summary.problem_key)
    message = MessageField()  # as the first journal found with it had it
    journals = models.PositiveIntegerField(default=0)  # journals it holds back now
    example_journal = models.ForeignKey(Journal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["Problem"]()

    class Meta:
        ordering = ["resolved_at", "-journals", "-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "key"], condition=models.Q(resolved_at__isnull=True), name="problem_open_once"
            )
        ]


class SummaryMark(models.Model):
    """How far the summary has read journal changes (one row, name ``journals``)."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(null=True, blank=True)  # empty: never summarized, the first pass counts all


class NoticeSent(models.Model):
    """One e-mail notice of one kind, about one thing, on one UTC day: sent once, whichever worker runs."""

    kind = models.CharField(max_length=32)
    about = models.CharField(max_length=64)  # "connector:12", "company:3", "operators"
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "about", "day"], name="notice_once_a_day")]


class DailyJournals(models.Model):
    """A connector's journals accepted on one UTC day, per their status now (rollup.py; the dashboard)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=16)
    journals = models.PositiveIntegerField(default=0)

    objects = TenantManager["DailyJournals"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "day", "status"], name="daily_journals_once")]
        indexes = [models.Index(fields=["day", "company"], name="daily_journals_day")]


class DailyPosting(models.Model):
    """A connector's journals posted on one UTC day and how long they took from acceptance (seconds)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    posted = models.PositiveIntegerField(default=0)
    latency_total = models.BigIntegerField(default=0)  # the sum of accepted → posted, seconds
    latency_max = models.BigIntegerField(default=0)  # the longest of them, seconds

    objects = TenantManager["DailyPosting"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "day"], name="daily_posting_once")]
        indexes = [models.Index(fields=["day", "company"], name="daily_posting_day")]


class DailyCalls(models.Model):
    """Calls to Exact in one division on one day against its daily limit, as Exact's headers said them."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="+")
    division = models.PositiveIntegerField()
    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)  # the day's limit minus what remained, at the last answer
    limit = models.PositiveIntegerField(null=True, blank=True)

    objects = TenantManager["DailyCalls"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connector", "division", "day"], name="daily_calls_once")]
        indexes = [models.Index(fields=["day", "company"], name="daily_calls_day")]
