"""A company's webhook endpoints, the outbox of events, and each delivery with its attempts.

The outbox row (:class:`WebhookEvent`) is written in the transaction of the state change it reports
(``outbox.emit``), together with one :class:`WebhookDelivery` per subscribed endpoint and the background task that
sends it: all of it commits, or none of it. Secrets are sealed (core/crypto.py) and shown once.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import MessageField
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.scoping import TenantManager
from ledgerlink.webhooks.choices import DeliveryStatus, DisabledReason, EventType

EXCERPT_BYTES = 1024  # of a receiver's answer, kept for the delivery log


class WebhookEndpoint(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("Description"), max_length=200, blank=True)
    events = models.JSONField(default=list, blank=True)  # EventType values; empty: every event
    enabled = models.BooleanField(_("Enabled"), default=True)
    secret_sealed = models.TextField()  # "whsec_…", sealed; shown once at creation and at rotation
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Set at the first failed attempt after a success, cleared by the next success; a week of it switches off.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=16, choices=DisabledReason.choices, blank=True)
    disabled_message = MessageField()

    objects = TenantManager["WebhookEndpoint"]()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class WebhookEvent(models.Model):
    """The outbox: one row per event, written with the state change it reports."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="webhook_events")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=48, choices=EventType.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    objects = TenantManager["WebhookEvent"]()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def webhook_id(self) -> str:
        """``webhook-id``: the same for every attempt and replay, so receivers can drop repeats."""
        return f"evt_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """One event for one endpoint: pending until a 2xx answer, given up after three days."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # an attempt in flight since then
    task_id = models.UUIDField(null=True, blank=True)  # the background task (django-tasks) due to try it next
    delivered_at = models.DateTimeField(null=True, blank=True)
    retry_until = models.DateTimeField()  # three days after it was created or replayed; then it gives up
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due")
        ]


class WebhookAttempt(models.Model):
    """One POST to the receiver: what it answered, how long it took, what went wrong (a code)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)  # at most EXCERPT_BYTES of the answer's body
    error = MessageField()  # None when the receiver answered 2xx
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # when the next try was planned

    class Meta:
        ordering = ["-started_at", "-id"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
