"""The closed value sets of webhooks: event types, where a delivery is, why an endpoint was switched off."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a receiver can subscribe to. A type is never renamed once sent; add a new one instead."""

    JOURNAL_POSTED = "journal.posted", _("Journal posted")
    JOURNAL_FAILED = "journal.failed", _("Journal failed")
    JOURNAL_UNKNOWN = "journal.unknown", _("Journal outcome unknown")
    JOURNAL_RECONCILED = "journal.reconciled", _("Journal found in Exact")
    CONNECTOR_CONNECTED = "connector.connected", _("Connector connected")
    CONNECTOR_REAUTHORIZATION_REQUIRED = "connector.reauthorization_required", _("Reauthorization required")
    CONNECTOR_KEEPALIVE_FAILING = "connector.keepalive_failing", _("Keep-alive failing")
    IMPORT_FINISHED = "import.finished", _("Import finished")
    TEST = "webhook.test", _("Test event")


SUBSCRIBABLE = [choice for choice in EventType if choice != EventType.TEST]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Gave up")
    CANCELLED = "cancelled", _("Cancelled")


class DisabledReason(models.TextChoices):
    BY_USER = "by_user", _("Switched off by a person")
    FAILING = "failing", _("Every delivery failed for a week")
