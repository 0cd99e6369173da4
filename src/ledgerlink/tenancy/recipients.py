"""Who gets an e-mail about a company, grouped by the language each reads ledgerlink in, and the company's clock.

Every notice (a connector to reauthorize, a webhook endpoint switched off, the daily digests, a missing day
closing) is written once per language, so a Dutch bookkeeper reads Dutch and an English admin English.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict

from django.conf import settings

from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import Company, User


def by_language(users: list[User], company: Company | None) -> dict[str, list[str]]:
    """The e-mail addresses of ``users`` per language (the site's language for who has none), sorted."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for user in users:
        if user.email:
            grouped[user.preferred_language(company) or settings.LANGUAGE_CODE].append(user.email)
    return dict(sorted(grouped.items()))


def admins_by_language(company: Company) -> dict[str, list[str]]:
    """A company's active admins with an e-mail address, per language."""
    admins = User.objects.for_company(company).filter(role=Role.ADMIN, is_active=True).exclude(email="")
    return by_language(list(admins), company)


def operators_by_language() -> dict[str, list[str]]:
    """The active operators with an e-mail address, per language."""
    operators = User.objects.for_company(None).filter(role=Role.OPERATOR, is_active=True).exclude(email="")
    return by_language(list(operators), None)


def zone_of(company: Company) -> zoneinfo.ZoneInfo:
    """The company's time zone (the site's when the stored name is unknown)."""
    try:
        return zoneinfo.ZoneInfo(company.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
