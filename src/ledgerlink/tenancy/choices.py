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


class Language(models.TextChoices):
    """The languages of the interface, each named in itself (a Dutch reader looking for "Nederlands" on an
    English page finds it). Values are Django's language codes (settings.LANGUAGES)."""

    NL = "nl", "Nederlands"
    EN = "en", "English"


class ActorKind(models.TextChoices):
    """Who did something: a signed-in user, the command line, the service itself, or an API key."""

    USER = "user", _("User")
    CLI = "cli", _("Command line")
    SYSTEM = "system", _("ledgerlink")
    API_KEY = "api_key", _("API key")


class AuditAction(models.TextChoices):
    """Every kind of event in the one audit trail (tenancy/audit.py). Values are stored: never rename one."""

    COMPANY_CREATED = "company.created", _("Company created")
    COMPANY_CHANGED = "company.changed", _("Company changed")
    LICENCE_GRANTED = "licence.granted", _("Licence granted")
    LICENCE_REVOKED = "licence.revoked", _("Licence revoked")
    USER_CREATED = "user.created", _("User created")
    USER_CHANGED = "user.changed", _("User changed")
    USER_PASSWORD_SET = "user.password_set", _("Password set")
    APIKEY_CREATED = "apikey.created", _("API key created")
    APIKEY_REVOKED = "apikey.revoked", _("API key revoked")
    CONNECTOR_CREATED = "connector.created", _("Created")
    CONNECTOR_SAVED = "connector.saved", _("Saved")
    CONNECTOR_AUTHORIZE_STARTED = "connector.authorize_started", _("Authorization started")
    CONNECTOR_AUTHORIZED = "connector.authorized", _("Authorized")
    CONNECTOR_REAUTHORIZED = "connector.reauthorized", _("Reauthorized")
    CONNECTOR_REFRESHED = "connector.refreshed", _("Tokens refreshed")
    CONNECTOR_FAILED = "connector.failed", _("Failed")
    CONNECTOR_REAUTHORIZATION_REQUIRED = "connector.reauthorization_required", _("Reauthorization required")
    CONNECTOR_DISCONNECTED = "connector.disconnected", _("Disconnected")
    CONNECTOR_TESTED = "connector.tested", _("Connection tested")
    CONNECTOR_DIVISION_CHANGED = "connector.division_changed", _("Division changed")
    MAPPING_CHANGED = "mapping.changed", _("Mapping changed")
    JOURNAL_RESENT = "journal.resent", _("Journal queued again")
    JOURNALS_RESENT = "journals.resent", _("Failed journals queued again")
    JOURNAL_CANCELLED = "journal.cancelled", _("Journal cancelled")
    JOURNAL_MOVED = "journal.moved", _("Journal moved to another connector")
    JOURNAL_CORRECTED = "journal.corrected", _("Posted journal corrected")
    JOURNAL_WAITING = "journal.waiting", _("Journal waits for its period to reopen")
    JOURNALS_WAITING = "journals.waiting", _("Journals wait for their period to reopen")
