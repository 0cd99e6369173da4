"""The long-running worker: runs the apps' periodic jobs until SIGTERM or SIGINT.

Apps register jobs (``register_job``) in their ``AppConfig.ready``. Several workers may run against one
database; jobs coordinate through row locks, never through the worker. ``run_once`` is what tests call
with a controlled clock; ``run_forever`` adds the loop, the heartbeat and the clean stop.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections

from ledgerlink.core import clock
from ledgerlink.core.models import WorkerHeartbeat

log = logging.getLogger("ledgerlink.worker")
ALIVE_WITHIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], object]


_jobs: list[Job] = []
_stop_event = threading.Event()


def stopping() -> bool:
    """True once SIGTERM/SIGINT arrived: long jobs finish the item in hand and return."""
    return _stop_event.is_set()


def register_job(name: str, run: Callable[[datetime], object]) -> None:
    if all(job.name != name for job in _jobs):
        _jobs.append(Job(name, run))


def jobs() -> list[Job]:
    return list(_jobs)


def run_once(now: datetime | None = None) -> dict[str, object]:
    results: dict[str, object] = {}
    for job in _jobs:
        try:
            results[job.name] = job.run(now or clock.now())
        except Exception:
            log.exception("worker job failed", extra={"job": job.name})
            results[job.name] = "failed"
    return results


def workers_alive(now: datetime) -> bool:
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - ALIVE_WITHIN, stopped_at__isnull=True).exists()


def _beat(name: str, started: datetime, stopped: bool = False) -> None:
    now = clock.now()
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"started_at": started, "seen_at": now, "stopped_at": now if stopped else None}
    )


def run_forever(interval: float, stop: threading.Event | None = None) -> None:
    stop = stop or _stop_event

    def _stop(signum: int, frame: object) -> None:
        log.info("worker stopping after the current round", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    name = f"{socket.gethostname()}:{os.getpid()}"
    started = clock.now()
    log.info("worker started", extra={"worker": name, "jobs": [job.name for job in _jobs]})
    while not stop.is_set():
        close_old_connections()
        try:
            _beat(name, started)
            run_once()
        except DatabaseError:
            # The database restarted or is unreachable: log, drop the connection, and try again next round.
            log.exception("worker round failed on the database; trying again")
            close_old_connections()
        stop.wait(interval)
    _beat(name, started, stopped=True)
    log.info("worker stopped", extra={"worker": name})
