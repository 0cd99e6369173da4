"""What tenancy locks, by name (core/locks.py: inside a transaction only, in primary-key order)."""

from __future__ import annotations

from datetime import datetime

from ledgerlink.core.locks import lock_first, lock_row
from ledgerlink.tenancy.models import Company, LoginHandoff, User


def lock_company(company: Company) -> Company:
    return lock_row(Company, company.pk)


def lock_user(user: User) -> User:
    return lock_row(User, user.pk)


def lock_open_handoff(nonce_hash: str, company: Company, now: datetime) -> LoginHandoff | None:
    """The unused, unexpired ticket with this nonce (by its hash) for this company, with its user."""
    tickets = LoginHandoff.objects.for_company(company).select_related("user")
    return lock_first(tickets.filter(nonce_hash=nonce_hash, used_at__isnull=True, expires_at__gt=now))
