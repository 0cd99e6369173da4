"""Closed value sets of tenancy."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    EXACT_ONLINE = "exact_online", _("Exact Online")
    API = "api", _("REST API")


class Role(models.TextChoices):
    ADMIN = "admin", _("Company admin")
    USER = "user", _("User")
    OPERATOR = "operator", _("Operator")
