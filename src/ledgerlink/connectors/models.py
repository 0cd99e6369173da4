"""Connector rows. Secrets are stored sealed (see core/crypto.py); columns holding them end in ``_sealed``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledgerlink.connectors.choices import Status, UsageKind
from ledgerlink.core.messages import MessageField
from ledgerlink.tenancy.choices import ActorKind
from ledgerlink.tenancy.models import Company, User
from ledgerlink.tenancy.scoping import TenantManager


class Connector(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="connectors")
    number = models.PositiveIntegerField(_("Number"))
    name = models.CharField(_("Name"), max_length=200)
    region = models.CharField(_("Region"), max_length=16, default="nl")
    client_id = models.CharField(_("Client ID"), max_length=64, blank=True)
    client_secret_sealed = models.TextField(blank=True)
    callback_url = models.CharField(_("Callback URL"), max_length=500, blank=True)
    # The authorization code Exact returned (the seed calls it "API token"); kept sealed, shown masked.
    api_token_sealed = models.TextField(blank=True)

    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NOT_AUTHORIZED)
    status_reason = MessageField()  # why the status is what it is (connectors/messages.py)
    exact_user_id = models.CharField(max_length=64, blank=True)
    exact_user_name = models.CharField(max_length=200, blank=True)
    division = models.PositiveIntegerField(_("Division"), null=True, blank=True)
    division_name = models.CharField(max_length=200, blank=True)
    divisions = models.JSONField(default=list, blank=True)  # [[code, name], …] the authorizing user may use

    access_token_sealed = models.TextField(blank=True)
    refresh_token_sealed = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    tokens_issued_at = models.DateTimeField(null=True, blank=True)  # when the current pair was issued
    authorized_at = models.DateTimeField(null=True, blank=True)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    refresh_count = models.PositiveIntegerField(default=0)
    # A refresh in flight: set (and committed) before the refresh token is sent, cleared with the new pair.
    refresh_claim = models.CharField(max_length=64, blank=True)
    refresh_claimed_at = models.DateTimeField(null=True, blank=True)
    refresh_claimed_by = models.CharField(max_length=200, blank=True)  # the process (core/process.py)
    # Exact answered 401 for the stored access token before its refresh window: wait for the window.
    access_refused_at = models.DateTimeField(null=True, blank=True)
    early_rejections = models.PositiveIntegerField(default=0)  # such 401s, counted
    refresh_failures = models.PositiveIntegerField(default=0)
    refresh_not_before = models.DateTimeField(null=True, blank=True)
    last_error = MessageField()
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Connector"]()

    class Meta:
        ordering = ["company_id", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="connector_number_per_company")]

    def __str__(self) -> str:
        return f"connector {self.number} ({self.name})"

    @property
    def has_client_secret(self) -> bool:
        return bool(self.client_secret_sealed)

    @property
    def has_api_token(self) -> bool:
        return bool(self.api_token_sealed)

    @property
    def was_authorized(self) -> bool:
        return self.authorized_at is not None


class OAuthState(models.Model):
    """One authorization attempt: random, single-use, expires, bound to company, connector and session."""

    state_hash = models.CharField(max_length=64, unique=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="+")
    session_hash = models.CharField(max_length=64)
    # Who pressed oAuth: the actor of the callback's audit entries (tenancy.actors.Actor, as stored).
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices, default=ActorKind.USER)
    actor_label = models.CharField(max_length=200)
    started_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["OAuthState"]()


class UsageCounter(models.Model):
    """Calls counted against Exact's budgets: token calls per UTC day, 4xx answers per endpoint per hour."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="usage")
    kind = models.CharField(max_length=16, choices=UsageKind.choices)
    endpoint = models.CharField(max_length=200, blank=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connector", "kind", "endpoint", "window_start"], name="usage_window_once"),
        ]


class RateLimitRecord(models.Model):
    """The rate-limit governor's numbers for one (app, division), shared by every process (ratelimits.py)."""

    key = models.CharField(max_length=200, unique=True)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
