"""What a person (page) or the ERP (API) does with webhook endpoints; the address is checked at every save."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from ledgerlink.core import clock, crypto
from ledgerlink.tenancy.models import Company
from ledgerlink.webhooks import guard
from ledgerlink.webhooks.choices import SUBSCRIBABLE, DeliveryStatus, DisabledReason
from ledgerlink.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from ledgerlink.webhooks.outbox import RETRY_FOR, emit_test, enqueue


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def clean_events(events: Iterable[str]) -> list[str]:
    known = {choice.value for choice in SUBSCRIBABLE}
    unknown = sorted(set(events) - known)
    if unknown:
        raise ValueError(", ".join(unknown))
    return sorted(set(events))


@dataclass(frozen=True)
class Created:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def create_endpoint(
    company: Company, url: str, description: str = "", events: Iterable[str] = (), enabled: bool = True
) -> Created:
    guard.check(url)  # AddressRefused says why not
    secret = new_secret()
    now = clock.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            company=company,
            url=url.strip(),
            description=description,
            events=clean_events(events),
            enabled=enabled,
            secret_sealed=crypto.seal(secret).token,
            created_at=now,
            updated_at=now,
        )
    return Created(endpoint, secret)


def update_endpoint(
    endpoint: WebhookEndpoint,
    *,
    url: str | None = None,
    description: str | None = None,
    events: Iterable[str] | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    if url is not None and url.strip() != endpoint.url:
        guard.check(url)
        endpoint.url = url.strip()
    if description is not None:
        endpoint.description = description
    if events is not None:
        endpoint.events = clean_events(events)
    if enabled is not None and enabled != endpoint.enabled:
        endpoint.enabled = enabled
        if enabled:
            endpoint.disabled_at, endpoint.disabled_reason, endpoint.disabled_message = None, "", None
            endpoint.failing_since = None
        else:
            endpoint.disabled_at, endpoint.disabled_reason = clock.now(), DisabledReason.BY_USER
    endpoint.updated_at = clock.now()
    with transaction.atomic():
        endpoint.save()
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    secret = new_secret()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            secret_sealed=crypto.seal(secret).token, updated_at=clock.now()
        )
    return secret


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        endpoint.delete()


def send_test(endpoint: WebhookEndpoint) -> WebhookEvent:
    return emit_test(endpoint)


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the event again, with its own ``webhook-id``, retried as a new delivery would be."""
    now = clock.now()
    with transaction.atomic():
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
        delivery.retry_until = now + RETRY_FOR
        delivery.claimed_at = None
        delivery.save(update_fields=["status", "next_attempt_at", "retry_until", "claimed_at"])
        enqueue(delivery, now)
    return delivery
