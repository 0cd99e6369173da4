"""The background task (django-tasks, database backend; ADR 0023) that makes one delivery attempt."""

from __future__ import annotations

from django_tasks import task

QUEUE = "webhooks"


@task(queue_name=QUEUE)
def deliver(delivery_id: int) -> str:
    from ledgerlink.webhooks.delivery import attempt

    return attempt(delivery_id)
