"""The claim's search for connectors with due journals probes an index per connector, whatever the queue
(issue 13): without statistics (a database nobody ran ANALYZE on) SQLite chose the index of all due journals and
scanned it for each connector, 10-20 ms of CPU per claim in a worker of 64 senders with 13,000 queued."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import claim
from tests.support.api import tenant
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def candidate_query_plan() -> str:
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        assert claim(clock.now(), "w1")
        transaction.set_rollback(True)
    sql = next(q["sql"] for q in captured.captured_queries if "EXISTS" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_connectors_with_due_journals_are_found_by_an_index_probe_per_connector() -> None:
    company, _ = tenant(1001, "alpha", connectors=(1, 2, 3))
    Connector.objects.update(status=Status.CONNECTED, division=7001)
    day = date(2024, 6, 10)
    for n in range(30):
        submit(company, cash_journal(f"Q-{n}", day + timedelta(days=n % 7), connector=1 + n % 3))
    Journal.objects.filter(connector__number=3).update(next_attempt_at=clock.now() + timedelta(minutes=1))
    assert Journal.objects.filter(status=JournalStatus.QUEUED).count() == 30
    with transaction.atomic():
        plan = candidate_query_plan()
    assert "journal_due_per_connector" in plan, plan
    assert "journal_due " not in plan and "journal_due (" not in plan, plan
