"""Failed-login throttling per account and per client address, kept in the database.

Kept in the database (not in a process) so that every web process sees the same count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from ledgerlink.core import clock
from ledgerlink.tenancy.models import LoginFailure


def window() -> timedelta:
    return timedelta(minutes=settings.LEDGERLINK_LOGIN_THROTTLE_MINUTES)


def _blocked_until(times: list[datetime], limit: int) -> datetime | None:
    """``times`` newest first; blocked while ``limit`` failures lie within the window."""
    if len(times) < limit:
        return None
    return times[limit - 1] + window()


def blocked_until(account: str, address: str) -> datetime | None:
    """When the next attempt for this account or from this address is allowed, or None if it is now."""
    now = clock.now()
    since = now - window()
    recent = LoginFailure.objects.filter(at__gt=since)
    by_account = list(recent.filter(account=account).order_by("-at").values_list("at", flat=True)[:100])
    by_address = list(recent.filter(address=address).order_by("-at").values_list("at", flat=True)[:100])
    candidates = [
        _blocked_until(by_account, settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT),
        _blocked_until(by_address, settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS),
    ]
    later = [when for when in candidates if when is not None and when > now]
    return max(later) if later else None


def record_failure(account: str, address: str) -> None:
    now = clock.now()
    with transaction.atomic():
        LoginFailure.objects.filter(at__lte=now - window()).delete()
        LoginFailure.objects.create(account=account, address=address, at=now)


def clear_account(account: str) -> None:
    LoginFailure.objects.filter(account=account).delete()
