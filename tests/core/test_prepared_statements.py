"""On PostgreSQL a process's connection binds parameters on the server and prepares the statements it runs
again and again (LEDGERLINK_DB_PREPARED_STATEMENTS, on by default): without it PostgreSQL parses and plans each
statement anew, 1.8 of the 5.7 ms of CPU that one accepted journal cost the machine (bench_api.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from ledgerlink.journals.models import Journal

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_statement_run_again_and_again_is_prepared_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite prepares every statement in the process itself")
    for reference in ("A", "B", "C", "D", "E", "F"):
        assert Journal.objects.filter(reference=reference).first() is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len([s for s in prepared if '"journals_journal"."reference" = $' in s]) == 1, prepared
