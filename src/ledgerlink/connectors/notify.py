"""Telling company admins that a connector needs them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail

from ledgerlink.connectors import messages
from ledgerlink.connectors.models import Connector
from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import User

log = logging.getLogger("ledgerlink.connectors.notify")


def _next_step(connector: Connector) -> str:
    """The refusal's own next step (an app Exact no longer knows needs its Client ID and secret again)."""
    reason = connector.status_reason
    return (reason.fix() if reason is not None else "") or str(messages.REAUTHORIZE_FIX)


def reauthorization_required(connector_id: int) -> None:
    connector = Connector.objects.select_related("company").get(pk=connector_id)
    company = connector.company
    recipients = list(
        User.objects.for_company(company)
        .filter(role=Role.ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        log.warning("no admin e-mail address to tell about reauthorization", extra={"connector": connector_id})
        return
    address = company_url(company.alias, f"/connectors/{connector.number}/") if company.alias else "the connectors page"
    send_mail(
        subject=f"Exact Online connector {connector.number} needs to be authorized again",
        message=(
            f"The Exact Online connector {connector.number} ({connector.name}) of {company.name} can no longer "
            f"talk to Exact Online.\n\nReason: {connector.status_reason}\n\n"
            f"Journals wait and nothing is lost. To reconnect, open {address}: {_next_step(connector)}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )
