"""E-mail notices the worker sends, each at most once a UTC day per subject (``NoticeSent``):

- company admins, when a connector's keep-alive has failed for a day (well before Exact's 30 days run out);
- company admins, a daily digest of failed journals grouped as problems, with what to do;
- operators (with an e-mail address), a daily digest of the connectors that need attention;
- company admins, when a terminal's day closing of yesterday has not come by the hour set on the closing
  mapping (closings/days.py says which days a terminal should close).

Each reader gets it in the language they read ledgerlink in (tenancy/recipients.py).

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
from django.utils import timezone, translation

from ledgerlink.closings.days import LEARN_WEEKS, Terminal, missing_per_terminal
from ledgerlink.closings.models import Closing, ClosingMapping
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.engine import settings_keep_alive_age
from ledgerlink.connectors.models import Connector
from ledgerlink.operations import overview
from ledgerlink.operations.models import NoticeSent, Problem
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.recipients import admins_by_language, operators_by_language, zone_of

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


def _send(template: str, context: dict[str, Any], recipients: dict[str, list[str]]) -> None:
    """One e-mail per language: the template's first line is the subject."""
    for language, addresses in recipients.items():
        with translation.override(language):
            text = render_to_string(template, context).strip()
        subject, _, body = text.partition("\n")
        send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)


def keep_alive_failing(now: datetime) -> int:
    cutoff = now - settings_keep_alive_age() - KEEP_ALIVE_GRACE
    sent = 0
    for connector in Connector.objects.select_related("company").filter(
        status=Status.CONNECTED, tokens_issued_at__lt=cutoff
    ):
        recipients = admins_by_language(connector.company)
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
        recipients = admins_by_language(company)
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
    recipients = operators_by_language()
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


def missing_closings(now: datetime) -> int:
    """Per connector whose closing mapping sets an hour: once that hour has passed in the company's time zone,
    the terminals whose closing of yesterday (a business day for them) has not come, once per day."""
    sent = 0
    for mapping in ClosingMapping.objects.filter(missing_day_hour__isnull=False).select_related("connector__company"):
        connector, company = mapping.connector, mapping.connector.company
        local = timezone.localtime(now, zone_of(company))
        if local.hour < (mapping.missing_day_hour or 0):
            continue
        yesterday = local.date() - timedelta(days=1)
        since = yesterday - timedelta(weeks=LEARN_WEEKS)
        rows = [
            (Terminal(connector.number, store, terminal), day)
            for store, terminal, day in Closing.objects.filter(connector=connector, date__gt=since).values_list(
                "store", "terminal", "date"
            )
        ]
        missing = sorted(
            (t.store, t.terminal)
            for t, days in missing_per_terminal(rows, until=yesterday).items()
            if yesterday in days
        )
        recipients = admins_by_language(company)
        if not missing or not recipients or not _once("closing_missing", f"connector:{connector.pk}:{yesterday}", now):
            continue
        url = company_url(company.alias, "/closings/") if company.alias else ""
        _send(
            "operations/mail/closing_missing.txt",
            {"connector": connector, "company": company, "day": yesterday, "missing": missing, "url": url},
            recipients,
        )
        sent += 1
    return sent


def send_notices(now: datetime) -> dict[str, int]:
    """The worker job: whatever is due today and not yet sent."""
    return {
        "keep_alive": keep_alive_failing(now),
        "failed_digest": failed_digest(now),
        "operator_digest": operator_digest(now),
        "closing_missing": missing_closings(now),
    }
