"""The operator console's overview: one row per connector of every company, "needs attention" first.

A page costs a fixed number of queries whatever the number of companies: the counts come from
``ConnectorSummary`` (kept by the worker, summary.py), the token calls and error answers of the page's
connectors are read for those connectors in one query each, and the attention test is one SQL condition.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exactlink import Governor
from ledgerlink.connectors.budgets import day_start, error_budget, token_call_limit
from ledgerlink.connectors.choices import Status, UsageKind
from ledgerlink.connectors.models import Connector, RateLimitRecord, UsageCounter
from ledgerlink.connectors.ratelimits import app_of, to_state
from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import User

REFRESH_TOKEN_DAYS = 30  # an unused refresh token dies after 30 days (Exact)

SORTS: dict[str, tuple[str, ...]] = {
    # the worst first, in the order of the summary's index (attention.py keeps the numbers in it)
    "attention": ("-summary__attention", "summary__company_number", "summary__connector_number"),
    "company": ("company__number", "number"),
    "status": ("status", "company__number", "number"),
    "failed": ("-summary__failed", "company__number", "number"),
    "queued": ("-summary__queued", "company__number", "number"),
    "oldest": ("summary__oldest_queued_at", "company__number", "number"),
    "contact": ("last_contact_at", "company__number", "number"),
}


def queued_threshold() -> timedelta:
    return timedelta(minutes=settings.LEDGERLINK_ATTENTION_QUEUED_MINUTES)


def token_warning() -> timedelta:
    """A refresh token older than this is within LEDGERLINK_ATTENTION_TOKEN_DAYS of Exact's 30 days."""
    return timedelta(days=REFRESH_TOKEN_DAYS - settings.LEDGERLINK_ATTENTION_TOKEN_DAYS)


def admins_without_email() -> Exists:
    # Correlated with the outer connector's company: the tenant scope is the outer row's own.
    return Exists(User.objects.filter(company__pk=OuterRef("company"), role=Role.ADMIN, email=""))


def severity(now: datetime) -> Case:
    """How badly a connector needs someone: 0 not at all; the console sorts the worst first.

    4: Exact refused it (nothing is sent until someone reauthorizes); 3: its refresh token is running out;
    2: journals failed, have an unknown outcome or wait too long, or an endpoint's error budget is nearly
    spent (Exact would block it for an hour: nothing posts there); 1: an admin who never hears of it, or a
    token budget nearly spent. The errors of the last hour are the worker's count (``attention.rank``)."""
    connected = Q(status=Status.CONNECTED)
    return Case(
        When(Q(status=Status.REAUTH_REQUIRED), then=Value(4)),
        When(connected & (Q(refresh_failures__gt=0) | Q(tokens_issued_at__lt=now - token_warning())), then=Value(3)),
        When(
            Q(summary__failed__gt=0)
            | Q(summary__unknown__gt=0)
            | Q(summary__oldest_queued_at__lt=now - queued_threshold())
            | Q(summary__errors_hour__gte=errors_nearly_spent()),
            then=Value(2),
        ),
        When(Q(admin_without_email=True) | Q(token_calls_high=True), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def token_calls_high(now: datetime) -> Exists:
    high = int(token_call_limit() * 0.8)
    return Exists(
        UsageCounter.objects.filter(
            connector=OuterRef("pk"), kind=UsageKind.TOKEN, window_start=day_start(now), count__gte=high
        )
    )


def connectors(
    now: datetime, *, status: str = "", attention: bool = False, search: str = "", sort: str = ""
) -> QuerySet[Connector]:
    """Every company's connectors (operators see all; no tenant scope on purpose), filtered and sorted.

    The ranking is the worker's (``ConnectorSummary.attention``, attention.py), so the first page and the
    "needs attention" filter walk one index of one table and stop after a page; a connector without a
    summary row yet (made since the worker's last round) is not listed until that round."""
    rows = Connector.objects.filter(summary__isnull=False).select_related(
        "company", "summary", "summary__last_posted_journal"
    )
    if status in Status.values:
        rows = rows.filter(status=status)
    if attention:
        rows = rows.filter(summary__attention__gt=0)
    words = search.strip()
    if words:
        match = Q(company__name__icontains=words) | Q(company__alias__icontains=words) | Q(name__icontains=words)
        if words.isdigit():
            match |= Q(company__number=int(words))
        rows = rows.filter(match)
    return rows.order_by(*SORTS.get(sort, SORTS["attention"]))


@dataclass
class Row:
    connector: Connector
    reasons: list[str] = field(default_factory=list)
    days_left: int | None = None
    token_calls: int = 0
    errors_hour: int = 0  # the most failing answers of one endpoint in the last hour (the budget is per endpoint)
    oldest_queued_age: timedelta | None = None
    admin_without_email: bool = False


def _token_calls(ids: list[int], now: datetime) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for connector_id, count in UsageCounter.objects.filter(
        connector_id__in=ids, kind=UsageKind.TOKEN, window_start=day_start(now)
    ).values_list("connector_id", "count"):
        counts[connector_id] += count
    return counts


def _companies_with_silent_admins(company_ids: set[int]) -> set[int]:
    return set(
        User.objects.filter(company_id__in=company_ids, role=Role.ADMIN, email="").values_list("company_id", flat=True)
    )


def errors_nearly_spent() -> int:
    """Failing answers of one endpoint within the hour from which its error budget counts as nearly spent."""
    return error_budget() - 2


def errors_hour(page: list[Connector], now: datetime) -> dict[int, int]:
    """The most failing answers of one endpoint in the last hour, per connector (the budget is per endpoint)."""
    keys: dict[str, list[int]] = defaultdict(list)
    for c in page:
        for key in (Governor.key(app_of(c), c.division), Governor.key(app_of(c), None)):
            keys[key].append(c.pk)
    worst: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    now_ms = int(now.timestamp() * 1000)
    for record in RateLimitRecord.objects.filter(key__in=list(keys)):
        for endpoint, count in to_state(record.state).error_counts(now_ms).items():
            for connector_id in keys[record.key]:
                worst[connector_id][endpoint] += count
    return {cid: max(per.values(), default=0) for cid, per in worst.items()}


def reasons_for(row: Row, now: datetime) -> list[str]:
    """Why a connector needs attention, in the reader's language (the same tests as ``attention_q``)."""
    c = row.connector
    summary = getattr(c, "summary", None)
    reasons = []
    if c.status == Status.REAUTH_REQUIRED:
        reasons.append(_("Reauthorization required: %(reason)s") % {"reason": c.status_reason or "—"})
    if c.status == Status.CONNECTED and c.refresh_failures:
        reasons.append(
            ngettext(
                "Keep-alive failing (%(n)d time); the refresh token expires in %(days)d days.",
                "Keep-alive failing (%(n)d times); the refresh token expires in %(days)d days.",
                c.refresh_failures,
            )
            % {"n": c.refresh_failures, "days": row.days_left or 0}
        )
    elif (
        c.status == Status.CONNECTED
        and row.days_left is not None
        and c.tokens_issued_at
        and c.tokens_issued_at < now - token_warning()
    ):
        reasons.append(
            _("The refresh token expires in %(days)d days and has not been renewed.") % {"days": row.days_left}
        )
    if summary is not None and summary.failed:
        reasons.append(
            ngettext("%(n)d failed journal", "%(n)d failed journals", summary.failed) % {"n": summary.failed}
        )
    if summary is not None and summary.unknown:
        reasons.append(
            ngettext("%(n)d journal with unknown outcome", "%(n)d journals with unknown outcome", summary.unknown)
            % {"n": summary.unknown}
        )
    if summary is not None and summary.oldest_queued_at and summary.oldest_queued_at < now - queued_threshold():
        hours = int((now - summary.oldest_queued_at).total_seconds() // 3600)
        reasons.append(_("Journals queued for more than %(hours)d hours") % {"hours": max(hours, 1)})
    if row.admin_without_email:
        reasons.append(_("An admin has no e-mail address and is never told when Exact needs them."))
    if row.errors_hour >= errors_nearly_spent():
        reasons.append(
            _("Error budget nearly spent: %(n)d of %(limit)d this hour")
            % {"n": row.errors_hour, "limit": error_budget()}
        )
    if row.token_calls >= token_call_limit() * 0.8:
        reasons.append(
            _("Token calls nearly spent: %(n)d of %(limit)d today")
            % {"n": row.token_calls, "limit": token_call_limit()}
        )
    return reasons


def rows_for(page: list[Connector], now: datetime) -> list[Row]:
    """The page's rows with what each needs: three queries for the whole page."""
    ids = [c.pk for c in page]
    calls = _token_calls(ids, now) if ids else {}
    silent = _companies_with_silent_admins({c.company_id for c in page}) if ids else set()
    errors = errors_hour(page, now) if ids else {}
    rows = []
    for c in page:
        row = Row(
            c,
            token_calls=calls.get(c.pk, 0),
            errors_hour=errors.get(c.pk, 0),
            admin_without_email=c.company_id in silent,
        )
        if c.tokens_issued_at and c.status == Status.CONNECTED:
            row.days_left = max(REFRESH_TOKEN_DAYS - (now - c.tokens_issued_at).days, 0)
        summary = getattr(c, "summary", None)
        if summary is not None and summary.oldest_queued_at:
            row.oldest_queued_age = now - summary.oldest_queued_at
        row.reasons = reasons_for(row, now)
        rows.append(row)
    return rows
