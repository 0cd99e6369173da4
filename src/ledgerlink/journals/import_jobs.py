"""Imports as background jobs: the page stores the upload, the worker imports it, the page shows how far it is.

A file of 50,000 entries takes minutes to check and store. Inside the web request that held a gunicorn thread
for all of it and, on SQLite, the database's write lock for one long transaction, so the worker and every other
company's requests failed with "database is locked". Now:

* the page stores the file (:func:`start`) and answers at once with the job's page, which polls its progress;
* the worker's ``import-files`` job claims a waiting import (``FOR UPDATE SKIP LOCKED``, so two workers never
  take the same one) and runs :func:`importer.import_file`, which checks everything first (reading only) and
  then writes ``importer.CHUNK`` entries per short transaction, the job's counters committed with them;
* a job whose worker died (no heartbeat for ``STALE_AFTER``) is taken over and simply run again: storing an
  entry is idempotent on its reference, so nothing is stored twice;
* the same file uploaded again for the same connector is recognised by its digest and answered with the
  earlier job at once (unless that one was refused or stopped: then the file is checked again).

The CLI runs a job in its own process (:func:`run`), printing its progress. ADR 0017 says why this is the
existing worker, not a task queue.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import Q

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, wake
from ledgerlink.core.messages import Message
from ledgerlink.core.worker import stopping
from ledgerlink.journals import importer
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import ImportStatus
from ledgerlink.journals.lock_objects import lock_import_job
from ledgerlink.journals.models import ImportFile, ImportJob
from ledgerlink.tenancy.actors import Actor
from ledgerlink.tenancy.models import Company
from ledgerlink.webhooks import payloads
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.outbox import emit

log = logging.getLogger("ledgerlink.journals.imports")
STALE_AFTER = timedelta(minutes=5)
MAX_STORED_PROBLEMS = 1000
MAX_EVENT_PROBLEMS = 20  # in the import.finished webhook; the import's page and the API list them all
FINISHED = (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)
RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def start(actor: Actor, company: Company, connector: Connector, file_name: str, data: bytes) -> tuple[ImportJob, bool]:
    """Store an upload as a waiting import; ``(job, False)``, or ``(earlier job, True)`` for the same file again."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = (
        ImportJob.objects.for_company(company)
        .filter(connector=connector, digest=digest)
        .exclude(status__in=(ImportStatus.REFUSED, ImportStatus.FAILED))
        .order_by("-pk")
        .first()
    )
    if earlier is not None:
        return earlier, True
    with transaction.atomic(durable=True):
        job = ImportJob.objects.create(
            company=company,
            connector=connector,
            file_name=file_name[:255],
            digest=digest,
            size=len(data),
            created_by=actor.label,
            created_at=clock.now(),
        )
        ImportFile.objects.create(job=job, data=data)
        wake.notify()
    return job, False


def _file_of(job: ImportJob) -> bytes:
    return bytes(ImportFile.objects.values_list("data", flat=True).get(job=job))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(now: datetime, job_id: int | None = None) -> ImportJob | None:
    """Take the oldest waiting import (or one whose worker stopped beating), or the given one."""
    due = Q(status=ImportStatus.PENDING) | Q(status__in=RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    queryset = ImportJob.objects.filter(due)
    if job_id is not None:
        queryset = queryset.filter(pk=job_id)
    with transaction.atomic():
        job = lock_import_job(queryset)
        if job is None:
            return None
        job.status = ImportStatus.CHECKING
        job.claimed_by = _worker_name()
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["status", "claimed_by", "started_at", "heartbeat_at"])
    return job


def run(job: ImportJob, on_progress: Callable[[importer.Progress], None] | None = None) -> ImportJob:
    """Import a claimed job's file; its row says how far it is after every chunk, and how it ended."""
    connector = Connector.objects.get(pk=job.connector_id)

    def progress(step: importer.Progress) -> None:
        status = ImportStatus.CHECKING if step.stage == importer.ImportStage.CHECKING else ImportStatus.IMPORTING
        ImportJob.objects.filter(pk=job.pk).update(
            status=status,
            lines_total=step.lines,
            entries_total=step.entries,
            entries_checked=step.done if status == ImportStatus.CHECKING else step.entries,
            journals_created=step.created,
            journals_unchanged=step.unchanged,
            heartbeat_at=clock.now(),
        )
        if on_progress is not None:
            on_progress(step)

    try:
        result = importer.import_file(job.company, connector.number, _file_of(job), progress)
    except DatabaseError:
        # "database is locked" on a busy SQLite, a restarted PostgreSQL: nothing half-written stays wrong
        # (each chunk is one transaction, storing is idempotent), so the job waits for the next round.
        log.warning("import interrupted by the database; it runs again", extra={"import_job": job.pk}, exc_info=True)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING, claimed_by="")
        job.refresh_from_db()
        return job
    except Exception:
        log.exception("import failed", extra={"import_job": job.pk})
        problem = importer.LineProblem(None, Message.of(m.IMPORT_STOPPED))
        _finish(job, ImportStatus.FAILED, [problem], None)
        job.refresh_from_db()
        return job
    status = ImportStatus.DONE if result.created + result.unchanged else ImportStatus.REFUSED
    _finish(job, status, result.problems, result)
    job.refresh_from_db()
    return job


def _finish(
    job: ImportJob, status: ImportStatus, problems: list[importer.LineProblem], result: importer.ImportResult | None
) -> None:
    fields: dict[str, object] = {
        "status": status,
        "problem_count": len(problems),
        "problems": [problem.to_json() for problem in problems[:MAX_STORED_PROBLEMS]],
        "finished_at": clock.now(),
        "heartbeat_at": clock.now(),
    }
    if result is not None:
        fields.update(
            lines_total=result.lines,
            skipped=result.skipped[:MAX_STORED_PROBLEMS],
            journals_created=result.created,
            journals_unchanged=result.unchanged,
        )
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        emit(
            job.company_id,
            EventType.IMPORT_FINISHED,
            {
                "import": {
                    "id": job.pk,
                    "file_name": job.file_name,
                    "connector": Connector.objects.filter(pk=job.connector_id).values_list("number", flat=True).first(),
                    "status": status.value,
                    "journals_created": result.created if result is not None else 0,
                    "journals_unchanged": result.unchanged if result is not None else 0,
                    "problem_count": len(problems),
                    "problems": [
                        {"row": problem.row, **(payloads.problem(problem.coded) or {})}
                        for problem in problems[:MAX_EVENT_PROBLEMS]
                    ],
                }
            },
        )


def run_due(now: datetime) -> int:
    """The worker's ``import-files`` job: import every waiting file, one after the other."""
    count = 0
    tried: set[int] = set()
    while not stopping():
        job = claim(now)
        if job is None:
            break
        if job.pk in tried:  # put back after a database error: its next turn is the next round
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING, claimed_by="")
            break
        tried.add(job.pk)
        run(job)  # an error is recorded on the job; the next file still gets its turn
        count += 1
        now = clock.now()
    return count


def problems_of(job: ImportJob) -> list[importer.LineProblem]:
    return [importer.LineProblem.from_json(item) for item in job.problems or []]
