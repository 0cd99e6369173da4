"""The one way an event gets out: :func:`emit`, called inside the transaction of the state change it reports.

It writes the event (the outbox row), one delivery per enabled endpoint of the company that subscribed to it,
and the background task that sends each delivery (django-tasks' database backend: a row in the same database,
ADR 0023). All of it commits with the state change or not at all, so an event is never announced for a change
that was rolled back, and never lost for one that committed, even if the process dies right after the commit.
A company without an endpoint that wants the event gets no row at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from ledgerlink.core import clock
from ledgerlink.core.rows import Lookup, param
from ledgerlink.tenancy.models import Company
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

RETRY_FOR = timedelta(days=3)  # a delivery is tried this long (with backoff, delivery.py), then given up

# Read for every posted journal, inside its outcome's transaction (an endpoint disabled a moment ago gets
# nothing): compiled once (core/rows.py).
_ENABLED = Lookup(
    lambda company: WebhookEndpoint.objects.for_company(company).filter(enabled=True), param("company", 907_001_001)
)


def emit(company: Company | int, event_type: EventType, data: Mapping[str, Any]) -> WebhookEvent | None:
    """Record ``event_type`` for every endpoint of ``company`` that wants it; None when none does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook events are written inside the state change's transaction")
    company_id = company.pk if isinstance(company, Company) else company
    endpoints = [endpoint for endpoint in _ENABLED.rows(company=company_id) if endpoint.wants(event_type)]
    if not endpoints:
        return None
    return _write(company_id, event_type, data, endpoints)


def emit_test(endpoint: WebhookEndpoint) -> WebhookEvent:
    """**Send test event**: a ``webhook.test`` event for this endpoint alone, delivered like any other."""
    with transaction.atomic():
        return _write(
            endpoint.company_id,
            EventType.TEST,
            {"endpoint": {"id": endpoint.pk, "url": endpoint.url, "description": endpoint.description}},
            [endpoint],
        )


def _write(
    company_id: int, event_type: EventType, data: Mapping[str, Any], endpoints: list[WebhookEndpoint]
) -> WebhookEvent:
    now = clock.now()
    payload = json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))  # dates and Decimals as exact strings
    event = WebhookEvent.objects.create(company_id=company_id, type=event_type.value, payload=payload, created_at=now)
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, next_attempt_at=now, retry_until=now + RETRY_FOR, created_at=now
        )
        enqueue(delivery, now)
    return event


def enqueue(delivery: WebhookDelivery, at: datetime) -> None:
    """The background task that tries ``delivery`` at ``at`` (in the caller's transaction)."""
    from ledgerlink.webhooks.tasks import deliver

    task = deliver.using(run_after=at).enqueue(delivery.pk)
    delivery.task_id = task.id
    WebhookDelivery.objects.filter(pk=delivery.pk).update(task_id=task.id)
