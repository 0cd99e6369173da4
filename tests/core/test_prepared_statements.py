"""On PostgreSQL a process's connection binds parameters on the server and prepares the statements it runs
again and again (LEDGERLINK_DB_PREPARED_STATEMENTS, on by default): without it PostgreSQL parses and plans each
statement anew, 1.8 of the 5.7 ms of CPU that one accepted journal cost the machine (bench_api.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from ledgerlink.connectors.models import Connector
from ledgerlink.journals.actions import _LINES
from ledgerlink.journals.models import Journal, JournalLine
from tests.factories import journal_at
from tests.support.api import tenant

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


def test_a_journals_ten_lines_are_written_by_a_statement_psycopg_converted_once() -> None:
    """psycopg turns a statement's ``%s`` into PostgreSQL's ``$1 … $n`` with a regular expression, and keeps the
    result only for statements of up to 50 parameters: a journal's ten lines (one INSERT of 100) were converted
    again at every request, a sixth of what a new journal cost the web process on PostgreSQL (issue 13,
    bench_intake_cost.py). ``core/postgres.py`` lets psycopg keep every statement short enough to keep."""
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's conversion: PostgreSQL only")
    from psycopg import _queries  # the cache this is about is psycopg's own (docs/adr/0032)

    company, _key = tenant(1001, "alpha")
    connector = Connector.objects.get(company=company)
    day = datetime(2024, 6, 10, tzinfo=UTC)
    journals = [journal_at(connector, reference, "queued", day, None) for reference in ("L-1", "L-2")]
    lines = [
        [JournalLine(journal=journal, line_no=n, ledger_code="8000", credit=Decimal("1.00")) for n in range(1, 11)]
        for journal in journals
    ]
    _LINES.rows(lines[0])
    before = _queries._query2pg.cache_info()
    _LINES.rows(lines[1])
    after = _queries._query2pg.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
    assert JournalLine.objects.filter(journal__in=journals).count() == 20
