"""Waking the worker when work is stored (core/wake.py): NOTIFY on PostgreSQL, a touched file on SQLite."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from ledgerlink.core import wake


@pytest.mark.django_db
def test_a_stop_ends_the_wait_at_once_without_work() -> None:
    stop = threading.Event()
    stop.set()
    waiter = wake.Waiter()
    try:
        assert waiter.wait(3600, stop) is False
    finally:
        waiter.close()


@pytest.mark.django_db(transaction=True)
def test_stored_work_wakes_a_waiting_worker() -> None:
    stop = threading.Event()
    waiter = wake.Waiter()
    try:
        if connection.vendor == "postgresql":
            stop.set()
            waiter.wait(1, stop)  # listening from here on (the stop ends the wait at once)
            stop.clear()
        with transaction.atomic():
            wake.notify()  # as submit_journal does: delivered when the transaction commits
        # Far longer than any test may take: only the notification ends this wait with True.
        assert waiter.wait(3600, stop) is True
        with transaction.atomic():
            wake.notify()
        assert waiter.wait(3600, stop) is True  # and the next one too
    finally:
        waiter.close()


@pytest.mark.django_db(transaction=True)
def test_an_accepted_journal_wakes_the_worker(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from tests.support.journals import cash_journal, submit

    stop = threading.Event()
    waiter = wake.Waiter()
    try:
        if connection.vendor == "postgresql":
            stop.set()
            waiter.wait(1, stop)
            stop.clear()
        submit(setup.company, cash_journal("WAKE-1", clocks.now().date()))
        assert waiter.wait(3600, stop) is True
    finally:
        waiter.close()


@pytest.mark.django_db(transaction=True)  # outside a transaction: touched at once
def test_notify_on_sqlite_makes_the_wake_file_and_moves_its_time_on_every_call(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL wakes by NOTIFY")
    wake.notify()  # no file yet: made
    first = (tmp_path / "worker.wake").stat().st_mtime_ns
    wake.notify()
    assert (tmp_path / "worker.wake").stat().st_mtime_ns > first


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_notify_is_sent_in_the_journals_own_transaction(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    """Delivered when the journal's transaction commits, and not a transaction of its own after it (one more
    round trip and commit for every accepted journal)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite wakes by a file")
    from tests.support.journals import cash_journal, submit

    sent: list[bool] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.startswith("NOTIFY"):
            sent.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        submit(setup.company, cash_journal("WAKE-1", clocks.now().date()))
    assert sent == [True]


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_file_is_touched_when_the_transaction_commits_and_not_on_a_rollback(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A worker woken before the commit would look, find nothing it can see yet, and sleep out its interval."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL wakes by NOTIFY")
    settings.VAR_DIR = tmp_path
    wake_file = tmp_path / "worker.wake"
    with transaction.atomic():
        wake.notify()
        assert not wake_file.exists()
    assert wake_file.exists()
    touched = wake_file.stat().st_mtime_ns

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        wake.notify()
        raise Refused
    assert wake_file.stat().st_mtime_ns == touched
