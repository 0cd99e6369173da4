"""Waking the worker when there is work, instead of letting it sleep out its interval.

A journal accepted by the API is otherwise posted at the next round (up to ``LEDGERLINK_WORKER_INTERVAL_SECONDS``
later). ``notify()`` is called when work is stored; ``Waiter.wait()`` is the worker's pause between rounds and
returns early when notified (issue 13):

- PostgreSQL: ``NOTIFY ledgerlink_work`` in the writer's transaction (delivered on commit, duplicates within
  one transaction folded by PostgreSQL); the worker ``LISTEN``s on a connection of its own.
- SQLite: no such channel; the writer touches ``var/worker.wake`` when its transaction commits (not before: a
  worker woken then would find nothing it can see yet) and the worker looks at its modification time every
  ``POLL_SECONDS`` (a ``stat``, no query).

Call ``notify()`` inside the transaction that stores the work: on PostgreSQL a NOTIFY after it would be a
transaction of its own, one more round trip and commit for every accepted journal.

Waking is a hint, never the only way: a lost notification costs at most one interval. A job may also say
when its work comes due again (``due_at``): the pause ends then if that is sooner.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

log = logging.getLogger("ledgerlink.worker")
CHANNEL = "ledgerlink_work"
POLL_SECONDS = 0.2


def _wake_file() -> Path:
    return Path(settings.VAR_DIR) / "worker.wake"


def notify() -> None:
    """Tell a waiting worker that work was stored, when the current transaction commits (at once outside one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
        return
    transaction.on_commit(_touch)


def _touch() -> None:
    path = _wake_file()
    now = time.time_ns()  # finer than the file system's own stamp, so two wakes in a row differ
    try:
        try:
            os.utime(path, ns=(now, now))  # one system call at every accepted journal
        except FileNotFoundError:
            path.touch()
            os.utime(path, ns=(now, now))
    except OSError:
        log.warning("could not wake the worker through %s", path, exc_info=True)


_next_due: datetime | None = None  # the soonest a job of this process said it has work again
_next_due_lock = threading.Lock()


def due_at(when: datetime) -> None:
    """A job of this process has work again at ``when`` (journals put off until Exact's minute window resets):
    the loop's pause ends then if that is sooner than its interval, so no minute of Exact's is left unused."""
    global _next_due
    with _next_due_lock:
        if _next_due is None or when < _next_due:
            _next_due = when


def pause(interval: float, now: datetime) -> float:
    """The loop's pause after a round: its interval, or less when a job said its work comes due sooner."""
    global _next_due
    with _next_due_lock:
        due, _next_due = _next_due, None
    if due is None:
        return interval
    return max(0.0, min(interval, (due - now).total_seconds()))


class Waiter:
    """The worker's pause between rounds: ``wait`` returns True when woken, False after the full time or a stop."""

    def __init__(self) -> None:
        self._listener: Any = None
        self._seen = self._mtime()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        if seconds <= 0:  # no pause between rounds: nothing to listen for
            stop.wait(0)
            return False
        if connection.vendor == "postgresql":
            try:
                return self._listen(seconds, stop)
            except Exception as exc:  # waking is a hint: without it the worker sleeps out its interval
                # The database being gone is said once by the worker loop; here it only costs the early wake.
                log.debug("cannot listen for work: %s", (str(exc).strip().splitlines() or [type(exc).__name__])[0])
                self.close()
                stop.wait(seconds)
                return False
        return self._poll(seconds, stop)

    def _listen(self, seconds: float, stop: threading.Event) -> bool:
        import psycopg

        if self._listener is None or self._listener.closed:
            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            params.pop("prepare_threshold", None)
            self._listener = psycopg.connect(**params, autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            # One second at a time, so a stop is noticed promptly.
            for _ in self._listener.notifies(timeout=min(left, 1.0), stop_after=1):
                return True
        return False

    def _mtime(self) -> float:
        try:
            return _wake_file().stat().st_mtime
        except OSError:
            return 0.0

    def _poll(self, seconds: float, stop: threading.Event) -> bool:
        deadline = time.monotonic() + seconds
        while not stop.wait(min(POLL_SECONDS, max(deadline - time.monotonic(), 0))):
            seen = self._mtime()
            if seen != self._seen:
                self._seen = seen
                return True
            if time.monotonic() >= deadline:
                return False
        return False

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except (DatabaseError, OSError):
                pass
            self._listener = None
