"""The worker's attention job: what the console's "needs attention" reads but cannot compute per request.

The error budget (ADR 0009) is the exactlink governor's log of failing answers per endpoint, one JSON
record per (app, division) in ``RateLimitRecord``; SQL cannot count it, and reading every record per page
would cost a JSON parse per connector. Each round this job reads the records written in the last hour
(an error is only counted for an hour, and writing one updates its record), counts the worst endpoint per
connector as ``overview.errors_hour`` does for a page, and writes ``ConnectorSummary.errors_hour`` where it
changed, back to 0 once the hour has passed.

Then it ranks every connector (``overview.severity``: one query over all connectors, the same test the
console used to run per request) and writes ``ConnectorSummary.attention`` with the company and connector
numbers the console sorts by, only where they changed. The console's first page and its "needs
attention" filter then read one index (``summary_attention``) and stop after 50 rows, whatever the number
of companies. Time-bound reasons (a queued journal older than the threshold, a refresh token running out)
are seen one round after they become true.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, Q, Subquery

from ledgerlink.connectors.models import Connector, RateLimitRecord
from ledgerlink.operations.models import ConnectorSummary
from ledgerlink.operations.overview import admins_without_email, errors_hour, severity, token_calls_high
from ledgerlink.operations.rollup import record_calls

HOUR = timedelta(hours=1)
PREFIX = "connector-"  # ratelimits.app_of: a connector without a client ID counts as an app of its own


def _connectors_of(keys: list[str]) -> list[Connector]:
    """The connectors whose governor keys may be among ``keys`` (``app:division`` or ``app:-``)."""
    apps = {key.rsplit(":", 1)[0] for key in keys}
    own = {int(app[len(PREFIX) :]) for app in apps if app.startswith(PREFIX) and app[len(PREFIX) :].isdigit()}
    if not apps:
        return []
    return list(Connector.objects.filter(Q(client_id__in=apps) | Q(pk__in=own)).only("pk", "client_id", "division"))


def _count_errors(now: datetime) -> int:
    recent = list(
        RateLimitRecord.objects.filter(updated_at__gte=now - HOUR)
        .exclude(state__errors=[])
        .values_list("key", flat=True)
    )
    worst = errors_hour(_connectors_of(recent), now) if recent else {}
    worst = {cid: n for cid, n in worst.items() if n}
    stored = dict(
        ConnectorSummary.objects.filter(Q(errors_hour__gt=0) | Q(connector_id__in=list(worst))).values_list(
            "connector_id", "errors_hour"
        )
    )
    changed = [
        ConnectorSummary(connector_id=cid, errors_hour=worst.get(cid, 0))
        for cid, was in stored.items()
        if worst.get(cid, 0) != was
    ]
    ConnectorSummary.objects.bulk_update(changed, ["errors_hour"], batch_size=500)
    return len(changed)


def _chunks(ids: list[int], size: int = 1000) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _rank(now: datetime) -> int:
    """Rank every connector; write only what changed: one UPDATE per rank level and per chunk of renumbered
    rows (the first round after a deploy renumbers all 10,000 in ten statements, not 10,000 CASE arms)."""
    fields = ("attention", "company_number", "connector_number")
    wanted = {
        pk: (level, company_number, number)
        for pk, level, company_number, number in Connector.objects.annotate(
            admin_without_email=admins_without_email(), token_calls_high=token_calls_high(now)
        )
        .annotate(attention=severity(now))
        .order_by()
        .values_list("pk", "attention", "company__number", "number")
    }
    by_level: dict[int, list[int]] = defaultdict(list)
    renumber: list[int] = []
    for pk, *was in ConnectorSummary.objects.order_by().values_list("connector_id", *fields):
        want = wanted.get(pk)
        if want is None:
            continue
        if want[0] != was[0]:
            by_level[want[0]].append(pk)
        if list(want[1:]) != was[1:]:
            renumber.append(pk)
    for level, ids in by_level.items():
        for chunk in _chunks(ids):
            ConnectorSummary.objects.filter(connector_id__in=chunk).update(attention=level)
    own = Connector.objects.filter(pk=OuterRef("connector_id"))
    for chunk in _chunks(renumber):
        ConnectorSummary.objects.filter(connector_id__in=chunk).update(
            company_number=Subquery(own.values("company__number")[:1]),
            connector_number=Subquery(own.values("number")[:1]),
        )
    return sum(len(ids) for ids in by_level.values()) + len(renumber)


def rank(now: datetime) -> dict[str, Any]:
    """The job: the error budget's count, then every connector's rank (only changed rows are written), and
    the day's Exact calls per division for the dashboard (rollup.py)."""
    return {"errors_changed": _count_errors(now), "ranks_changed": _rank(now), "calls_days": record_calls(now)}
