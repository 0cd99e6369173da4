"""Telling a company's admins that one of its webhook endpoints was switched off, each in their own language."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from ledgerlink.tenancy.addresses import company_url
from ledgerlink.tenancy.recipients import admins_by_language
from ledgerlink.webhooks.models import WebhookEndpoint

log = logging.getLogger("ledgerlink.webhooks.notify")


def endpoint_disabled(endpoint_id: int) -> None:
    endpoint = WebhookEndpoint.objects.select_related("company").get(pk=endpoint_id)
    company = endpoint.company
    by_language = admins_by_language(company)
    if not by_language:
        log.warning("no admin e-mail address to tell about a webhook endpoint", extra={"endpoint": endpoint_id})
        return
    for language, recipients in by_language.items():
        with translation.override(language):
            words = {
                "url": endpoint.url,
                "company": company.name,
                "reason": endpoint.disabled_message.text() if endpoint.disabled_message else "—",
                "next_step": endpoint.disabled_message.fix() if endpoint.disabled_message else "",
                "address": company_url(company.alias, f"/webhooks/{endpoint.pk}/"),
            }
            send_mail(
                subject=_("Webhook endpoint %(url)s was switched off") % words,
                message=_("ledgerlink stopped sending webhooks of %(company)s to %(url)s.") % words
                + "\n\n"
                + _("Reason: %(reason)s") % words
                + "\n\n"
                + _("%(next_step)s The endpoint and its delivery log: %(address)s") % words
                + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
                fail_silently=True,
            )
