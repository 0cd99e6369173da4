"""Failed-login throttling per account and per client address, kept in the database.

Kept in the database (not in a process) so that every web process sees the same count.

Nobody can lock the rightful user out from elsewhere:

- An address that has failed on an account waits before its next try on that account once the account has
  ``LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT`` failures in the window (from any address): one minute,
  doubling with every further failure of the account, at most the window (``LEDGERLINK_LOGIN_THROTTLE_MINUTES``),
  counted from that address's own last failure. An address that has *not* failed on the account is never
  held back by the account's failures, so the right password from the user's own machine still works while
  somebody else guesses.
- An address with ``LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS`` failures in the window (any accounts) waits
  until the oldest of them leaves the window.

A success clears only the failures of that account from that address: the guesser's failures keep counting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from ledgerlink.core import clock
from ledgerlink.tenancy.models import LoginFailure

FIRST_DELAY = timedelta(minutes=1)


def window() -> timedelta:
    return timedelta(minutes=settings.LEDGERLINK_LOGIN_THROTTLE_MINUTES)


def account_delay(failures_of_account: int) -> timedelta | None:
    """How long an address that failed on the account waits, given the account's failures in the window."""
    excess = failures_of_account - settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT
    if excess < 0:
        return None
    return min(FIRST_DELAY * (1 << min(excess, 30)), window())


def _wait_until(earlier: QuerySet[LoginFailure], account: str, address: str, now: datetime) -> datetime | None:
    candidates: list[datetime] = []
    limit = settings.LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS
    by_address = list(earlier.filter(address=address).order_by("-at", "-pk").values_list("at", flat=True)[:limit])
    if len(by_address) >= limit:
        candidates.append(by_address[limit - 1] + window())
    last_here = (
        earlier.filter(account=account, address=address).order_by("-at", "-pk").values_list("at", flat=True).first()
    )
    if last_here is not None:
        delay = account_delay(earlier.filter(account=account).count())
        if delay is not None:
            candidates.append(last_here + delay)
    later = [when for when in candidates if when > now]
    return max(later) if later else None


def blocked_until(account: str, address: str) -> datetime | None:
    """When the next attempt for this account from this address is allowed, or None if it is now."""
    now = clock.now()
    return _wait_until(LoginFailure.objects.filter(at__gt=now - window()), account, address, now)


def begin_attempt(account: str, address: str) -> tuple[int | None, datetime | None]:
    """Count this attempt before the password is checked, so parallel guesses cannot all slip through.

    Returns (attempt id, None) when it may go ahead — the row stays as a failure unless ``succeeded`` removes
    it — or (None, when to try again) when this address must wait; a refused attempt is not kept, so waiting
    and trying again never makes the wait longer. Attempts are judged by the ones that started before them.
    """
    now = clock.now()
    with transaction.atomic():
        LoginFailure.objects.filter(at__lte=now - window()).delete()
        attempt = LoginFailure.objects.create(account=account, address=address, at=now)
    earlier = LoginFailure.objects.filter(at__gt=now - window(), pk__lt=attempt.pk)
    until = _wait_until(earlier, account, address, now)
    if until is not None:
        attempt.delete()
        return None, until
    return attempt.pk, None


def succeeded(account: str, address: str) -> None:
    """The right password: this address's failures on the account are forgiven, nobody else's."""
    LoginFailure.objects.filter(account=account, address=address).delete()
