"""Exact's token-call budget, counted per connector: token calls per UTC day.

Exact allows 200 token calls per app and user a day (reference §2.8); we stop short of it. The other
budget, failing answers per endpoint and hour, is the exactlink governor's (see ratelimits.py and
docs/adr/0009-one-error-budget.md).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from ledgerlink.connectors.choices import UsageKind
from ledgerlink.connectors.models import Connector, UsageCounter

TOKEN = UsageKind.TOKEN


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _bump(connector_id: int, kind: str, endpoint: str, window: datetime) -> None:
    with transaction.atomic():
        updated = UsageCounter.objects.filter(
            connector_id=connector_id, kind=kind, endpoint=endpoint, window_start=window
        ).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    UsageCounter.objects.create(
                        connector_id=connector_id, kind=kind, endpoint=endpoint, window_start=window, count=1
                    )
            except IntegrityError:  # another process created it first
                UsageCounter.objects.filter(
                    connector_id=connector_id, kind=kind, endpoint=endpoint, window_start=window
                ).update(count=F("count") + 1)


def count_token_call(connector: Connector, now: datetime) -> None:
    _bump(connector.pk, TOKEN, "", day_start(now))


def token_calls_today(connector: Connector, now: datetime) -> int:
    total = UsageCounter.objects.filter(connector=connector, kind=TOKEN, window_start=day_start(now)).aggregate(
        total=Sum("count")
    )["total"]
    return int(total or 0)


def token_call_limit() -> int:
    return int(settings.LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY)


def error_budget() -> int:
    """Failing answers allowed per endpoint and hour, one short of the count that makes Exact block."""
    return int(settings.LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR)
