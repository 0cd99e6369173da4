"""The long-running worker: runs the apps' periodic jobs until SIGTERM or SIGINT.

Apps register jobs (``register_job``) in their ``AppConfig.ready``. Several workers may run against one
database; jobs coordinate through row locks, never through the worker. ``run_once`` is what tests call
with a controlled clock; ``run_forever`` adds the loop, the heartbeat and the clean stop. A job registered
with ``own_lane`` (posting) runs in a loop of its own beside the others; a job with ``every`` runs at most
that often.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F

from ledgerlink.core import clock, wake
from ledgerlink.core.models import WorkerHeartbeat

log = logging.getLogger("ledgerlink.worker")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], object]
    # The least time between two runs by the loop (0: every round). A worker is woken by every journal
    # accepted, so its rounds can come many times a second: a job whose result only needs to be fresh to the
    # half-minute (the operator's console) would otherwise cost more than the posting (issue 13).
    every: timedelta = timedelta(0)
    # Runs in a loop of its own (a lane) beside the other jobs: posting, whose senders keep Exact's minute
    # windows busy, must not stand still while the console's summary recounts (seconds at scale).
    own_lane: bool = False


_jobs: list[Job] = []
_lane_results: dict[str, object] = {}  # each lane's last result, for the main loop's heartbeat
_last_run: dict[str, datetime] = {}  # by the loop of this process, by job name
_stop_event = threading.Event()


def stopping() -> bool:
    """True once SIGTERM/SIGINT arrived: long jobs finish the item in hand and return."""
    return _stop_event.is_set()


def register_job(
    name: str, run: Callable[[datetime], object], every: timedelta = timedelta(0), own_lane: bool = False
) -> None:
    if all(job.name != name for job in _jobs):
        _jobs.append(Job(name, run, every, own_lane))


def jobs() -> list[Job]:
    return list(_jobs)


def run_once(
    now: datetime | None = None, after_each: Callable[[], object] | None = None, due_only: bool = False
) -> dict[str, object]:
    """Every job once (``due_only``: the loop's round, only the jobs whose ``every`` has passed). ``after_each``
    runs between jobs (the loop's heartbeat), so a long round stays alive."""
    results: dict[str, object] = {}
    for job in _jobs:
        if due_only and job.own_lane:
            continue  # the loop runs it in its lane
        at = now or clock.now()
        last = _last_run.get(job.name)
        if due_only and last is not None and at - last < job.every:
            continue
        _last_run[job.name] = at
        try:
            results[job.name] = job.run(at)
        except DatabaseError:
            raise  # the database is gone for every job: run_forever says so once and tries again
        except Exception:
            log.exception("worker job failed", extra={"job": job.name})
            results[job.name] = "failed"
        if after_each is not None:
            after_each()
    return results


def stale_after() -> timedelta:
    """How long a heartbeat counts: two worker intervals, at least a minute (a round may deliver for 20 s)."""
    return timedelta(seconds=settings.LEDGERLINK_WORKER_STALE_SECONDS)


def alive_workers(now: datetime) -> list[WorkerHeartbeat]:
    return list(WorkerHeartbeat.objects.filter(seen_at__gte=now - stale_after(), stopped_at__isnull=True))


def workers_alive(now: datetime) -> bool:
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - stale_after(), stopped_at__isnull=True).exists()


def last_heartbeat() -> datetime | None:
    """When any worker was last seen (``None``: never), for the heartbeat-age metric and the console."""
    row = WorkerHeartbeat.objects.order_by("-seen_at").only("seen_at").first()
    return row.seen_at if row else None


@functools.cache  # read from the installed package's metadata (a search of sys.path): once per process
def version() -> str:
    try:
        return metadata.version("ledgerlink")
    except metadata.PackageNotFoundError:
        return "unknown"


def _round_summary(results: dict[str, object]) -> dict[str, object]:
    """What a round did, as JSON: counts stay counts, anything else its text."""
    summary: dict[str, object] = {}
    for name, result in results.items():
        if isinstance(result, dict):
            summary[name] = {str(k): v if isinstance(v, int | float | str) else str(v) for k, v in result.items()}
        else:
            summary[name] = result if isinstance(result, int | float | str) or result is None else str(result)
    return summary


def _beat(name: str, started: datetime, results: dict[str, object] | None = None, stopped: bool = False) -> None:
    now = clock.now()
    defaults: dict[str, object] = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "version": version(),
        "started_at": started,
        "seen_at": now,
        "stopped_at": now if stopped else None,
    }
    if results is not None:
        defaults["last_round_at"] = now
        defaults["last_round"] = _round_summary(results)
    # One UPDATE once the row is there (it is after the first beat): a beat follows every job of every round.
    fields: dict[str, object] = {**defaults, "rounds": F("rounds") + 1} if results is not None else defaults
    if not WorkerHeartbeat.objects.filter(name=name).update(**fields):
        WorkerHeartbeat.objects.create(name=name, rounds=1 if results is not None else 0, **defaults)


def _lane(job: Job, interval: float, stop: threading.Event) -> None:
    """One job in a loop of its own, with its own database connection: run it, then pause until work is
    stored, until the job said its work comes due (``wake.due_at``), or for the interval. A lost database is
    the main loop's to say; here it only costs a pause."""
    waiter = wake.Waiter()
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                _lane_results[job.name] = job.run(clock.now())
            except DatabaseError:
                _lane_results[job.name] = "failed"
                try:
                    connection.close()
                except DatabaseError:
                    pass  # nothing left to close
            except Exception:
                log.exception("worker job failed", extra={"job": job.name})
                _lane_results[job.name] = "failed"
            waiter.wait(wake.pause(interval, clock.now()), stop)
    finally:
        waiter.close()
        connection.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


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
    lost_at: datetime | None = None
    waiter = wake.Waiter()
    lanes = [
        threading.Thread(target=_lane, args=(job, interval, stop), name=f"lane-{job.name}", daemon=True)
        for job in _jobs
        if job.own_lane
    ]
    for lane in lanes:
        lane.start()
    while not stop.is_set():
        close_old_connections()
        try:
            _beat(name, started)
            results = run_once(after_each=lambda: _beat(name, started), due_only=True)
            _beat(name, started, {**results, **_lane_results})
        except DatabaseError as exc:
            # Unreachable, restarted, or not there at all: say it once, in one line, and keep trying quietly.
            if lost_at is None:
                lost_at = clock.now()
                log.error(
                    "database unavailable: %s; retrying every %g s, quietly until it is back",
                    _first_line(exc),
                    interval,
                )
            else:
                log.debug("database still unavailable: %s", _first_line(exc))
            try:
                connection.close()
            except DatabaseError:
                pass  # nothing left to close
        else:
            if lost_at is not None:
                log.warning("database back after %s", clock.now() - lost_at)
                lost_at = None
        waiter.wait(interval, stop)  # returns early when work is stored (core/wake.py)
    waiter.close()
    for lane in lanes:
        lane.join()
    try:
        _beat(name, started, stopped=True)
    except DatabaseError:
        pass  # the database is still gone: said above, once
    log.info("worker stopped", extra={"worker": name})
