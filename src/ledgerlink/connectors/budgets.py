"""Exact's budgets, counted per connector: token calls per UTC day and 4xx answers per endpoint per hour.

Exact allows 200 token calls per app and user a day, and blocks an endpoint for the app after more than
10 error answers (400/401/403/404) in an hour (reference §2.8, §3.6). We stop short of both.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from ledgerlink.connectors.models import Connector, UsageCounter

TOKEN = "token"
ERROR = "error"
_DIVISION = re.compile(r"^/api/v1/\d+/")


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def endpoint_of(path: str) -> str:
    """``/api/v1/7001/financial/GLAccounts(guid'…')`` → ``financial/GLAccounts``."""
    rest = _DIVISION.sub("", path)
    rest = rest.removeprefix("/api/v1/").removeprefix("/")
    return rest.split("(", 1)[0].split("?", 1)[0]


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


def count_error(connector_id: int, endpoint: str, now: datetime) -> None:
    _bump(connector_id, ERROR, endpoint, hour_start(now))


def errors_this_hour(connector: Connector, now: datetime) -> dict[str, int]:
    rows = UsageCounter.objects.filter(connector=connector, kind=ERROR, window_start=hour_start(now))
    return {row.endpoint: row.count for row in rows}


def endpoint_exhausted(connector_id: int, endpoint: str, now: datetime) -> bool:
    row = UsageCounter.objects.filter(
        connector_id=connector_id, kind=ERROR, endpoint=endpoint, window_start=hour_start(now)
    ).first()
    return row is not None and row.count >= settings.LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR


def token_call_limit() -> int:
    return int(settings.LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY)
