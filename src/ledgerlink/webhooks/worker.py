"""The worker's ``deliver-webhooks`` job: run django-tasks' queued deliveries inside our worker (ADR 0023).

django-tasks-db keeps the tasks (a table, claimed with ``SELECT … FOR UPDATE SKIP LOCKED``) and runs each one
(``Worker.run_task``: result, traceback, signals). Its own ``db_worker`` command would be a second long-running
process beside ours, with its own sleep loop and signal handling and its own connection handling (it closes the
connection between tasks); so our worker takes the tasks in its rounds instead, with the library's claim and
runner, and needs no second process, no second heartbeat, and nothing extra in ``make run`` or the systemd units.

The database backend has no lease: a task whose worker died mid-attempt stays "running" for ever. The delivery
row knows better (``claimed_at``, ``next_attempt_at``): :func:`requeue_lost` gives a new task to a pending delivery
that is overdue and has no task waiting. It schedules nothing itself; it replaces what a dead worker lost.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from ledgerlink.core.worker import stopping
from ledgerlink.webhooks.choices import DeliveryStatus
from ledgerlink.webhooks.delivery import CLAIM_STALE
from ledgerlink.webhooks.models import WebhookDelivery
from ledgerlink.webhooks.outbox import enqueue
from ledgerlink.webhooks.tasks import QUEUE

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:64]
LOST_AFTER = timedelta(minutes=5)  # overdue this long with no task waiting: its task was lost
REQUEUE_BATCH = 500
BACKEND = "default"


KEEP_FINISHED = timedelta(days=7)  # django-tasks' own rows of finished attempts; the delivery log is ours
PRUNE_BATCH = 1000


def run_deliveries(now: datetime, *, time_budget: float = 20.0) -> dict[str, int]:
    requeued = requeue_lost(now)
    attempts = run_tasks(time.monotonic() + time_budget)
    return {"attempts": attempts, "requeued": requeued, "pruned": prune(now)}


def prune(now: datetime) -> int:
    old = DBTaskResult.objects.filter(
        queue_name=QUEUE, status__in=("SUCCESSFUL", "FAILED"), finished_at__lt=now - KEEP_FINISHED
    )
    ids = list(old.values_list("id", flat=True)[:PRUNE_BATCH])
    return DBTaskResult.objects.filter(id__in=ids).delete()[0] if ids else 0


def run_tasks(deadline: float) -> int:
    """Run due webhook tasks, one at a time, until none is due or the round's time is up."""
    runner = Worker(
        queue_names=[QUEUE],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while time.monotonic() < deadline and not stopping():
        ready = DBTaskResult.objects.ready().filter(backend_name=BACKEND, queue_name=QUEUE)
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is None:
                break
            task_result.claim(WORKER_ID)
        runner.run_task(task_result)
        ran += 1
    return ran


def requeue_lost(now: datetime) -> int:
    waiting = DBTaskResult.objects.filter(status="READY", queue_name=QUEUE).values("id")
    lost = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - LOST_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE))
        .filter(Q(task_id__isnull=True) | ~Q(task_id__in=waiting))
    )
    count = 0
    for delivery in lost[:REQUEUE_BATCH]:
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now, claimed_at=None)
            enqueue(delivery, now)
        count += 1
    return count
