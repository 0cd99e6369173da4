"""Carry a login from the bare domain to the company's own host (see ``LoginHandoff``).

Only a hash of the ticket is stored (like oAuth states): somebody who reads the database cannot sign in
with a ticket that is still fresh.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.http import urlencode

from ledgerlink.core import clock
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.lock_objects import lock_open_handoff
from ledgerlink.tenancy.models import Company, LoginHandoff, User

LIFETIME = timedelta(seconds=60)


def ticket_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue(user: User, company: Company) -> str:
    nonce = secrets.token_urlsafe(32)
    LoginHandoff.objects.create(
        nonce_hash=ticket_hash(nonce), user=user, company=company, expires_at=clock.now() + LIFETIME
    )
    return nonce


def carry_over_url(user: User, company: Company, next_path: str, port: str | None) -> str:
    """The address that signs ``user`` in on the company's own host and opens ``next_path`` there."""
    if not company.alias:
        raise ValueError("a company without an alias has no host of its own")
    query = urlencode({"ticket": issue(user, company), "next": next_path})
    return company_url(company.alias, f"/login/handoff?{query}", port)


def redeem(nonce: str, company: Company) -> User | None:
    """The user the nonce was issued to, once, on the company's host, within its lifetime."""
    now = clock.now()
    with transaction.atomic():
        ticket = lock_open_handoff(ticket_hash(nonce), company, now)
        if ticket is None:
            return None
        ticket.used_at = now
        ticket.save(update_fields=["used_at"])
        LoginHandoff.objects.filter(expires_at__lte=now - LIFETIME).delete()
    user = ticket.user
    return user if user.is_active and user.company_id == company.pk else None
