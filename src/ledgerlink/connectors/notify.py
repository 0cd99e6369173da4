"""Telling company admins that a connector needs them, each in the language they read ledgerlink in."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ledgerlink.connectors import messages
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.recipients import admins_by_language, zone_of

log = logging.getLogger("ledgerlink.connectors.notify")


def _next_step(connector: Connector) -> str:
    """The refusal's own next step (an app Exact no longer knows needs its Client ID and secret again)."""
    reason = connector.status_reason
    return (reason.fix() if reason is not None else "") or str(messages.REAUTHORIZE_FIX)


def reauthorization_required(connector_id: int) -> None:
    connector = Connector.objects.select_related("company").get(pk=connector_id)
    company = connector.company
    by_language = admins_by_language(company)
    if not by_language:
        log.warning("no admin e-mail address to tell about reauthorization", extra={"connector": connector_id})
        return
    when = timezone.localtime(clock.now(), zone_of(company))
    for language, recipients in by_language.items():
        with translation.override(language):
            address = (
                company_url(company.alias, f"/connectors/{connector.number}/")
                if company.alias
                else _("the connectors page")
            )
            words = {
                "number": connector.number,
                "name": connector.name,
                "company": company.name,
                "when": formats.date_format(when, "SHORT_DATETIME_FORMAT"),
                "reason": connector.status_reason.text() if connector.status_reason else "—",
                "address": address,
                "next_step": _next_step(connector),
            }
            send_mail(
                subject=_("Exact Online connector %(number)s needs to be authorized again") % words,
                message=_(
                    "The Exact Online connector %(number)s (%(name)s) of %(company)s can no longer talk to "
                    "Exact Online (since %(when)s)."
                )
                % words
                + "\n\n"
                + _("Reason: %(reason)s") % words
                + "\n\n"
                + _("Journals wait and nothing is lost. To reconnect, open %(address)s: %(next_step)s") % words
                + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
                fail_silently=True,
            )
