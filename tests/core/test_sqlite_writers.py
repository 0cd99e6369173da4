"""SQLite's writers of one process wait for each other in the process (core/sqlite), not in SQLite's busy handler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from ledgerlink.core.sqlite import base
from ledgerlink.tenancy.models import Company
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writer lock"),
]


def in_other_thread(work: Callable[[], Any]) -> Any:
    """What ``work`` returns (or raises) in a thread of its own, with its own database connection."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            connection.ensure_connection()
            assert connection._writers is not None
            connection._writers.timeout = 0  # give up at once where it would wait
            outcome["value"] = work()
        except Exception as exc:  # handed to the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def rename(name: str) -> int:
    return Company.objects.filter(alias="acme").update(name=name)


def rename_in_transaction(name: str) -> int:
    with transaction.atomic():
        return rename(name)


@pytest.fixture
def acme() -> Company:
    return factories.company(alias="acme", name="Acme")


def test_a_write_transaction_holds_the_lock_until_it_commits_or_rolls_back(acme: Company) -> None:
    connection.ensure_connection()
    writers = connection._writers
    assert writers is not None and not writers.lock.locked()
    with transaction.atomic():
        assert writers.held and writers.lock.locked()
        rename("Acme BV")
    assert not writers.lock.locked()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        rename("Acme NV")
        1 / 0  # noqa: B018
    assert not writers.lock.locked()
    acme.refresh_from_db()
    assert acme.name == "Acme BV"


def test_a_writer_of_the_same_process_waits_for_the_lock_before_it_begins(acme: Company) -> None:
    with transaction.atomic():
        rename("Acme BV")
        with pytest.raises(OperationalError, match="database is locked"):
            in_other_thread(lambda: rename_in_transaction("Acme NV"))
        with pytest.raises(OperationalError, match="database is locked"):
            in_other_thread(lambda: rename("Acme NV"))  # a write statement outside a transaction too
        assert in_other_thread(lambda: Company.objects.get(alias="acme").name) == "Acme"  # reads do not wait
    assert in_other_thread(lambda: rename_in_transaction("Acme NV")) == 1
    assert in_other_thread(lambda: rename("Acme CV")) == 1
    acme.refresh_from_db()
    assert acme.name == "Acme CV"


def test_a_write_statement_outside_a_transaction_gives_the_lock_back(acme: Company) -> None:
    rename("Acme BV")
    connection.ensure_connection()
    assert connection._writers is not None and not connection._writers.lock.locked()
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("UPDATE no_such_table SET x = 1")
    assert not connection._writers.lock.locked()


def test_each_database_file_has_a_lock_of_its_own() -> None:
    assert base._lock_for("a.sqlite3") is base._lock_for("a.sqlite3")
    assert base._lock_for("a.sqlite3") is not base._lock_for("b.sqlite3")


def test_a_process_can_leave_its_writers_to_sqlites_busy_handler() -> None:
    connection.ensure_connection()
    assert connection._writers is not None  # on by default, in every process
    base.queue_writers(False)  # as bench_sqlite_writers.py compares
    try:
        connections.close_all()
        connection.ensure_connection()
        assert connection._writers is None
        with transaction.atomic():
            Company.objects.filter(alias="nobody").update(name="Nobody")
            assert not base._lock_for(str(connection.settings_dict["NAME"])).locked()  # SQLite's lock alone
    finally:
        base.queue_writers()
        connections.close_all()
