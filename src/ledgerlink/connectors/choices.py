"""Closed value sets of connectors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NOT_AUTHORIZED = "not_authorized", _("Not authorized")
    CONNECTED = "connected", _("Connected")
    REAUTH_REQUIRED = "reauth_required", _("Reauthorization required")


class UsageKind(models.TextChoices):
    """What a UsageCounter counts against Exact's budgets."""

    TOKEN = "token", _("Token calls per UTC day")
    ERROR = "error", _("Error answers per endpoint per hour")


# Exact's regional sites (reference §1). "sandbox" appears only when LEDGERLINK_EXACT_SANDBOX_URL is set.
REGIONS = {
    "nl": _("Netherlands (start.exactonline.nl)"),
    "be": _("Belgium (start.exactonline.be)"),
    "de": _("Germany (start.exactonline.de)"),
    "fr": _("France (start.exactonline.fr)"),
    "es": _("Spain (start.exactonline.es)"),
    "uk": _("United Kingdom (start.exactonline.co.uk)"),
    "us": _("United States (start.exactonline.com)"),
}
SANDBOX = "sandbox"
