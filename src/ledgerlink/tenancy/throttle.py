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


def begin_attempt(account: str, address: str) -> tuple[int | None, datetime | None]:
    """Count this attempt before the password is checked, so parallel guesses cannot all slip through.

    Returns (attempt id, None) when it may go ahead — the row stays as a failure unless ``succeeded`` removes
    it — or (None, when to try again) when the account or address is blocked; a refused attempt is not kept.
    """
    now = clock.now()
    with transaction.atomic():
        LoginFailure.objects.filter(at__lte=now - window()).delete()
        attempt = LoginFailure.objects.create(account=account, address=address, at=now)
    recent = LoginFailure.objects.filter(at__gt=now - window())
    over_account = recent.filter(account=account).count() > settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT
    over_address = recent.filter(address=address).count() > settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS
    if over_account or over_address:
        attempt.delete()
        return None, blocked_until(account, address) or now + window()
    return attempt.pk, None


def succeeded(account: str) -> None:
    clear_account(account)


def clear_account(account: str) -> None:
    LoginFailure.objects.filter(account=account).delete()
