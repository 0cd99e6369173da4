"""Daily rollups for the dashboard, kept by the worker as it keeps the summary: bounded reads per page.

- ``DailyJournals``: a connector's journals accepted on a UTC day, per their status now;
- ``DailyPosting``: a connector's journals posted on a UTC day, with the sum and the longest of their
  accepted → posted times;
- ``DailyCalls``: Exact's calls of a division on a day against its daily limit, as Exact's own rate-limit
  headers said them (the governor's record, ``RateLimitRecord``: limit minus remaining).

The journal rollups are recounted with the summary (``summary.summarize``), for the connectors whose
journals changed and for the last ``DAYS`` days only: older days stay as they were counted. The calls
are read each round from the records Exact's answers updated since the last round (a mark, like the
summary's, with the same overlap), so a round writes as many rows as divisions that called Exact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Max, Q, Sum

from ledgerlink.connectors.models import Connector, RateLimitRecord
from ledgerlink.connectors.ratelimits import app_of, to_state
from ledgerlink.core.sql import Milliseconds, UtcDay
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.operations.models import DailyCalls, DailyJournals, DailyPosting, SummaryMark

DAYS = 30


def first_day(now: datetime) -> date:
    return (now.astimezone(UTC) - timedelta(days=DAYS - 1)).date()


def recount_days(chunk: list[int], now: datetime) -> None:
    """The last ``DAYS`` days of these connectors, counted again from their journals."""
    start = first_day(now)
    since = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    accepted = (
        Journal.objects.filter(connector_id__in=chunk, created_at__gte=since)
        .order_by()
        .annotate(day=UtcDay("created_at"))
        .values("connector_id", "company_id", "day", "status")
        .annotate(n=Count("id"))
    )
    posted = (
        Journal.objects.filter(connector_id__in=chunk, status=JournalStatus.POSTED, posted_at__gte=since)
        .order_by()
        .annotate(day=UtcDay("posted_at"), latency=Milliseconds("posted_at", "created_at"))
        .values("connector_id", "company_id", "day")
        .annotate(n=Count("id"), total=Sum("latency"), peak=Max("latency"))
    )
    DailyJournals.objects.filter(connector_id__in=chunk, day__gte=start).delete()
    DailyJournals.objects.bulk_create(
        [
            DailyJournals(
                connector_id=r["connector_id"],
                company_id=r["company_id"],
                day=r["day"],
                status=r["status"],
                journals=r["n"],
            )
            for r in accepted
        ],
        batch_size=2000,
    )
    DailyPosting.objects.filter(connector_id__in=chunk, day__gte=start).delete()
    DailyPosting.objects.bulk_create(
        [
            DailyPosting(
                connector_id=r["connector_id"],
                company_id=r["company_id"],
                day=r["day"],
                posted=r["n"],
                latency_total=max(int(r["total"]) // 1000, 0),
                latency_max=max(int(r["peak"]) // 1000, 0),
            )
            for r in posted
        ],
        batch_size=2000,
    )


CALLS = "calls"
OVERLAP = timedelta(minutes=2)
PREFIX = "connector-"  # ratelimits.app_of: a connector without a client ID is an app of its own


def _window_day(reset_ms: int | None, now: datetime) -> date:
    """The day a daily window counts: the one that ends at its reset (Exact resets at midnight)."""
    if reset_ms is None:
        return now.astimezone(UTC).date()
    return (datetime.fromtimestamp(reset_ms / 1000, UTC) - timedelta(milliseconds=1)).date()


def record_calls(now: datetime) -> int:
    """The worker's part: the day's calls per division from the governor's records changed since last time."""
    mark, _ = SummaryMark.objects.get_or_create(name=CALLS)
    records = RateLimitRecord.objects.all()
    if mark.at is not None:
        records = records.filter(updated_at__gte=mark.at)
    found: dict[tuple[str, int], tuple[int, int, date]] = {}
    for key, state in records.values_list("key", "state").iterator(chunk_size=2000):
        app, _, division = key.rpartition(":")
        daily = to_state(state).daily
        if not division.isdigit() or daily.limit is None or daily.remaining is None:
            continue  # current/Me (no division) and records Exact has not yet told its daily limit
        found[(app, int(division))] = (
            max(daily.limit - daily.remaining, 0),
            daily.limit,
            _window_day(daily.reset_ms, now),
        )
    rows = []
    if found:
        apps = {app for app, _ in found}
        own = {int(a[len(PREFIX) :]) for a in apps if a.startswith(PREFIX) and a[len(PREFIX) :].isdigit()}
        for c in Connector.objects.filter(Q(client_id__in=apps) | Q(pk__in=own)).only(
            "pk", "company_id", "client_id", "division"
        ):
            if c.division is not None and (app_of(c), c.division) in found:
                calls, limit, day = found[(app_of(c), c.division)]
                rows.append(
                    DailyCalls(
                        company_id=c.company_id,
                        connector_id=c.pk,
                        division=c.division,
                        day=day,
                        calls=calls,
                        limit=limit,
                    )
                )
    DailyCalls.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["connector", "division", "day"], update_fields=["calls", "limit"]
    )
    mark.at = now - OVERLAP
    mark.save(update_fields=["at"])
    return len(rows)
