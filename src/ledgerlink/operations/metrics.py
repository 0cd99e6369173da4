"""The database's figures for ``/metrics``, read at scrape time by one collector.

They are the service's, whichever process answers the scrape: journals per status (from the summaries the
worker keeps, never a scan of all journals), connectors per status, open problems, worker heartbeats.
Process counters (Exact calls, token calls, posting latency) are in ``core/metrics.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Sum
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.core.worker import stale_after
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.operations.models import ConnectorSummary, Problem, SummaryMark


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        statuses = [s.value for s in JournalStatus]
        totals = ConnectorSummary.objects.aggregate(**{s: Sum(s) for s in statuses})
        journals = GaugeMetricFamily(
            "ledgerlink_journals", "Journals per status (as of the worker's last summary)", labels=["status"]
        )
        for status in statuses:
            journals.add_metric([status], float(totals[status] or 0))
        yield journals

        by_status = dict(Connector.objects.order_by().values_list("status").annotate(n=Count("id")))
        connectors = GaugeMetricFamily("ledgerlink_connectors", "Connectors per status", labels=["status"])
        for status in Status.values:
            connectors.add_metric([status], float(by_status.get(status, 0)))
        yield connectors

        oldest = ConnectorSummary.objects.exclude(oldest_queued_at=None).order_by("oldest_queued_at").first()
        yield GaugeMetricFamily(
            "ledgerlink_oldest_queued_journal_age_seconds",
            "Age of the oldest queued journal of any connector (0: none queued)",
            value=(now - oldest.oldest_queued_at).total_seconds() if oldest and oldest.oldest_queued_at else 0.0,
        )
        yield GaugeMetricFamily(
            "ledgerlink_open_problems",
            "Open problems (one failure grouped per connector)",
            value=float(Problem.objects.filter(resolved_at__isnull=True).count()),
        )

        live = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).order_by("-seen_at")
        latest = live.first()
        yield GaugeMetricFamily(
            "ledgerlink_worker_heartbeat_age_seconds",
            "Seconds since the most recent heartbeat of a running worker (-1: none ever)",
            value=(now - latest.seen_at).total_seconds() if latest else -1.0,
        )
        yield GaugeMetricFamily(
            "ledgerlink_workers_alive",
            "Workers with a heartbeat within LEDGERLINK_WORKER_STALE_SECONDS",
            value=float(live.filter(seen_at__gte=now - stale_after()).count()),
        )
        mark = SummaryMark.objects.filter(name="journals").first()
        yield GaugeMetricFamily(
            "ledgerlink_summary_age_seconds",
            "Seconds since the journal counts were last summarized by a worker (-1: never)",
            value=(now - mark.at).total_seconds() if mark and mark.at else -1.0,
        )
