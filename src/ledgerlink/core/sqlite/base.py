"""Django's SQLite backend, with one lock per process and database file for its writers.

SQLite lets one connection write at a time. A connection that finds the write lock taken sleeps in SQLite's
busy handler and tries again (after 1, 2, 5, 10 … 100 ms), each try a wake-up, a lock system call and a sleep;
the worker's sixty-four posting threads, two write transactions per journal, made about ten of these sleeps
per posted journal (strace). Here a write (a transaction, which ``BEGIN IMMEDIATE`` starts with the write
lock, or a write statement outside one) first takes a lock of the process: the threads of one process wait
for each other in a queue the releasing thread wakes, and only another process's writer is waited for in
SQLite's busy handler. It waits as long as SQLite's ``timeout`` would, then fails as SQLite does ("database
is locked"). bench/bench_sqlite_writers.py compares the two ways.

And a statement's text is turned from Django's ``%s`` placeholders into SQLite's ``?`` once, not at each run:
Django's backend does it with a regular expression every time, a sixteenth of a posted journal's instructions
(issue 13, bench_worker_cost.py --callgrind); the texts are few, and the cache is bounded.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from django.db.backends.sqlite3 import base

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_queued = True
CONVERTED_AT_MOST = 4096  # statement texts kept converted; past that the cache starts again
_converted: dict[str, str] = {}
_django_convert: Callable[..., str] = vars(base.SQLiteCursorWrapper)["convert_query"]  # not in django-stubs


def queue_writers(on: bool = True) -> None:
    """Whether this process's connections opened from now on queue their writers here (on unless turned off;
    off: SQLite's busy handler alone, for bench/bench_sqlite_writers.py's comparison)."""
    global _queued
    _queued = on


def _lock_for(name: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(name, threading.Lock())


class _Writers:
    """The lock one connection takes before it writes, and whether it holds it."""

    def __init__(self, name: str, timeout: float) -> None:
        self.lock = _lock_for(name)
        self.timeout = timeout
        self.held = False

    def take(self) -> None:
        if self.held:
            return
        if not self.lock.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked")
        self.held = True

    def give(self) -> None:
        if self.held:
            self.held = False
            self.lock.release()

    def __del__(self) -> None:
        # A thread that ended inside a transaction: SQLite's lock went with its connection, so does this.
        self.give()


class CursorWrapper(base.SQLiteCursorWrapper):
    writers: _Writers | None = None

    def execute(self, query: str, params: Any = None) -> Any:
        return self._written(query, super().execute, query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        return self._written(query, super().executemany, query, param_list)

    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is not None:  # named parameters (rare): Django's own way
            return _django_convert(self, query, param_names=param_names)
        converted = _converted.get(query)
        if converted is None:
            if len(_converted) >= CONVERTED_AT_MOST:
                _converted.clear()  # texts made of varying parts (IN lists of every length) must not pile up
            converted = _converted[query] = _django_convert(self, query)
        return converted

    def _written(self, query: str, run: Any, *args: Any) -> Any:
        """``run`` as is, or, for a write statement outside a transaction (its own one), under the lock."""
        writers = self.writers
        if writers is None or writers.held or not _WRITE.match(query):
            return run(*args)
        writers.take()
        try:
            return run(*args)
        finally:
            writers.give()


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's, with each write transaction between taking and giving back the process's writer lock. (Its
    hooks are reached through ``_django``: django-stubs do not declare a backend's private methods.)"""

    _writers: _Writers | None = None

    def _django(self, method: str) -> Any:
        return getattr(super(), method)()

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        self._writers = None
        if _queued and not self.is_in_memory_db():
            self._writers = _Writers(str(self.settings_dict["NAME"]), float(conn_params.get("timeout", 5)))
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=CursorWrapper)
        cursor.writers = self._writers
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        if self._writers is not None and getattr(self, "transaction_mode", None) == "IMMEDIATE":
            with self.wrap_database_errors:
                self._writers.take()
        try:
            self._django("_start_transaction_under_autocommit")
        except BaseException:
            self._give()
            raise

    def _give(self) -> None:
        if self._writers is not None:
            self._writers.give()

    def _commit(self) -> None:
        try:
            self._django("_commit")
        finally:
            self._give()

    def _rollback(self) -> None:
        try:
            self._django("_rollback")
        finally:
            self._give()

    def _close(self) -> None:
        try:
            self._django("_close")
        finally:
            self._give()
