"""The dashboard's figures: read from the worker's daily rollups (rollup.py), never from the journals.

Each chart is one aggregate over at most ``DAYS`` days of one rollup table (an index on ``(day, company)``),
so a page costs the same few queries for one company as for all of them. Operators see every company (or
one, chosen); a company admin sees their own company only: the scope is applied here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.db.models import Max, Model, Sum
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ledgerlink.journals.choices import JournalStatus
from ledgerlink.operations import charts
from ledgerlink.operations.models import DailyCalls, DailyJournals, DailyPosting
from ledgerlink.operations.rollup import DAYS, first_day
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.scoping import TenantQuerySet

R = TypeVar("R", bound=Model)
DIVISIONS_SHOWN = 6  # the divisions with the most calls on one day


@dataclass
class Dashboard:
    days: list[date]
    journals: SafeString
    latency: SafeString
    calls: list[tuple[int, SafeString]] = field(default_factory=list)  # (division, chart)
    totals: dict[str, int] = field(default_factory=dict)


def _scoped(rows: TenantQuerySet[R], company: Company | None, start: date) -> TenantQuerySet[R]:
    """The last days' rows; one company's only when there is one (an operator's "all companies" has none)."""
    rows = rows.filter(day__gte=start)
    return rows.for_company(company) if company is not None else rows


def journals_per_day(company: Company | None, days: list[date]) -> dict[str, list[int]]:
    """Journals accepted per day, per their status now: {status: [count per day]}."""
    index = {day: i for i, day in enumerate(days)}
    per: dict[str, list[int]] = {status: [0] * len(days) for status in JournalStatus.values}
    rows = _scoped(DailyJournals.objects.all(), company, days[0]).order_by()
    for day, status, n in rows.values("day", "status").annotate(n=Sum("journals")).values_list("day", "status", "n"):
        if day in index and status in per:
            per[status][index[day]] = int(n)
    return per


def latency_per_day(company: Company | None, days: list[date]) -> tuple[list[int | None], list[int | None]]:
    """Accepted → posted per day of posting, in seconds: (average, longest); ``None`` where nothing posted."""
    index = {day: i for i, day in enumerate(days)}
    average: list[int | None] = [None] * len(days)
    longest: list[int | None] = [None] * len(days)
    rows = _scoped(DailyPosting.objects.all(), company, days[0]).order_by()
    for day, posted, total, peak in (
        rows.values("day")
        .annotate(posted=Sum("posted"), total=Sum("latency_total"), peak=Max("latency_max"))
        .values_list("day", "posted", "total", "peak")
    ):
        if day in index and posted:
            average[index[day]] = int(total) // int(posted)
            longest[index[day]] = int(peak)
    return average, longest


def calls_per_division(company: Company | None, days: list[date]) -> list[tuple[int, list[int], list[int | None]]]:
    """Per division shown: (division, calls per day, the daily limit per day)."""
    rows = _scoped(DailyCalls.objects.all(), company, days[0]).order_by()
    peaks = rows.values("company_id", "division").annotate(peak=Max("calls")).order_by("-peak", "division")
    chosen = [(p["company_id"], p["division"]) for p in peaks[:DIVISIONS_SHOWN]]
    index = {day: i for i, day in enumerate(days)}
    found: dict[tuple[int, int], tuple[list[int], list[int | None]]] = {
        key: ([0] * len(days), [None] * len(days)) for key in chosen
    }
    if chosen:
        detail = rows.filter(company_id__in={c for c, _ in chosen}, division__in={d for _, d in chosen})
        for company_id, division, day, calls, limit in detail.values_list(
            "company_id", "division", "day", "calls", "limit"
        ):
            if (company_id, division) in found and day in index:
                per_day, limits = found[(company_id, division)]
                per_day[index[day]] = max(per_day[index[day]], calls)  # connectors sharing a division: once
                limits[index[day]] = limit
    return [(division, *found[(company_id, division)]) for company_id, division in chosen]


def build(company: Company | None, now: datetime) -> Dashboard:
    start = first_day(now)
    days = [start + timedelta(days=n) for n in range(DAYS)]
    per_status = journals_per_day(company, days)
    labels = dict(JournalStatus.choices)
    shown = [JournalStatus.POSTED, JournalStatus.QUEUED, JournalStatus.SENDING, JournalStatus.FAILED]
    shown += [JournalStatus.UNKNOWN, JournalStatus.CANCELLED]
    journals = charts.stacked_bars(
        days,
        [charts.Series(str(s), str(labels[s]), per_status[s]) for s in shown],
        title=_("Journals per day, by status"),
        testid="chart-journals",
    )
    average, longest = latency_per_day(company, days)
    latency = charts.lines(
        days,
        [charts.Series("average", _("Average"), average), charts.Series("longest", _("Longest"), longest)],
        title=_("Posting latency (accepted → posted), seconds"),
        testid="chart-latency",
        unit=_("s"),
    )
    calls = [
        (
            division,
            charts.stacked_bars(
                days,
                [charts.Series("calls", _("Calls to Exact"), per_day)],
                title=_("Calls to Exact per day in division %(division)s") % {"division": division},
                testid=f"chart-calls-{division}",
                limit=limits,
                limit_label=_("Daily limit"),
            ),
        )
        for division, per_day, limits in calls_per_division(company, days)
    ]
    totals = {status: sum(values) for status, values in per_status.items()}
    return Dashboard(days=days, journals=journals, latency=latency, calls=calls, totals=totals)
