"""E-mail notices the worker sends, each at most once a UTC day per subject (``NoticeSent``):

- company admins, when a connector's keep-alive has failed for a day (well before Exact's 30 days run out);
- company admins, a daily digest of failed journals grouped as problems, with what to do;
- operators (with an e-mail address), a daily digest of the connectors that need attention.

The reauthorization e-mail is sent when it happens (connectors/notify.py). Mail goes through Django's
mail (``LEDGERLINK_EMAIL_BACKEND``; console in development).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.engine import settings_keep_alive_age
from ledgerlink.connectors.models import Connector
from ledgerlink.operations import overview
from ledgerlink.operations.models import NoticeSent, Problem
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import Company, User

log = logging.getLogger("ledgerlink.operations.notices")
KEEP_ALIVE_GRACE = timedelta(days=1)


def _once(kind: str, about: str, now: datetime) -> bool:
    """Claim today's notice; False when it was sent already (by this or another worker)."""
    try:
        with transaction.atomic():
            NoticeSent.objects.create(kind=kind, about=about, day=now.date(), sent_at=now)
    except IntegrityError:
        return False
    return True


def _admins(company: Company | int) -> list[str]:
    return list(
        User.objects.for_company(company)
        .filter(role=Role.ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _send(template: str, context: dict[str, Any], recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, context).strip()
    subject, _, body = text.partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)


def keep_alive_failing(now: datetime) -> int:
    cutoff = now - settings_keep_alive_age() - KEEP_ALIVE_GRACE
    sent = 0
    for connector in Connector.objects.select_related("company").filter(
        status=Status.CONNECTED, tokens_issued_at__lt=cutoff
    ):
        recipients = _admins(connector.company_id)
        if not recipients or not _once("keep_alive", f"connector:{connector.pk}", now):
            continue
        issued = connector.tokens_issued_at or now
        days_left = max(overview.REFRESH_TOKEN_DAYS - (now - issued).days, 0)
        url = (
            company_url(connector.company.alias, f"/connectors/{connector.number}/") if connector.company.alias else ""
        )
        _send(
            "operations/mail/keep_alive.txt",
            {"connector": connector, "days_left": days_left, "url": url, "reason": connector.last_error},
            recipients,
        )
        sent += 1
    return sent


def failed_digest(now: datetime) -> int:
    sent = 0
    companies = (
        Problem.objects.filter(resolved_at__isnull=True).order_by().values_list("company_id", flat=True).distinct()
    )
    for company in Company.objects.filter(pk__in=list(companies)):
        recipients = _admins(company)
        if not recipients or not _once("failed_digest", f"company:{company.pk}", now):
            continue
        problems = list(
            Problem.objects.for_company(company).filter(resolved_at__isnull=True).select_related("connector")[:20]
        )
        url = company_url(company.alias, "/journals/?status=failed") if company.alias else ""
        _send("operations/mail/failed_digest.txt", {"company": company, "problems": problems, "url": url}, recipients)
        sent += 1
    return sent


def operator_digest(now: datetime) -> int:
    recipients = list(
        User.objects.for_company(None)
        .filter(role=Role.OPERATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    attention = overview.connectors(now, attention=True)
    if not recipients or not attention.exists() or not _once("operator_digest", "operators", now):
        return 0
    rows = overview.rows_for(list(attention[:25]), now)
    _send(
        "operations/mail/operator_digest.txt",
        {"rows": rows, "count": attention.count(), "url": company_url(None, "/operations/?attention=1")},
        recipients,
    )
    return 1


def send_notices(now: datetime) -> dict[str, int]:
    """The worker job: whatever is due today and not yet sent."""
    return {
        "keep_alive": keep_alive_failing(now),
        "failed_digest": failed_digest(now),
        "operator_digest": operator_digest(now),
    }
