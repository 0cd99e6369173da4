"""The claim's search for connectors with due journals probes an index per connector, whatever the queue
(issue 13): SQLite read the index of all due journals for each connector, 7-12 ms of CPU per search in a worker
of 64 senders with 13,000 queued. Its plan is asked for the statement as Django sends it, with parameters: a
partial index is not used then (the SQL Django logs has the values written in, and would use it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import claim
from tests.support.api import tenant
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def claim_plan(statement: Callable[[str], bool]) -> str:
    """The plan of the first of a claim's statements that ``statement`` picks (by its SQL)."""
    sent: list[tuple[str, Any]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), transaction.atomic():
        assert claim(clock.now(), "w1")
        transaction.set_rollback(True)
    sql, params = next((sql, params) for sql, params in sent if statement(sql))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table this small would be read whole
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
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
        plan = claim_plan(lambda sql: "EXISTS" in sql)
    # An index that leads with the connector (PostgreSQL, which sees the values, may take the partial one of
    # waiting journals), never the index of all due journals in order of time.
    assert re.search(r"journal_due_per_connector|journal_waiting", plan), plan
    assert not re.search(r"\bjournal_due\b(?!_)", plan), plan


def test_a_connectors_oldest_journals_are_read_in_date_order_from_an_index() -> None:
    """The claim's batch is a connector's oldest waiting journals: read from journal_waiting in date order, not
    sorted. SQLite used that partial index only once the statuses were written into the SQL (core/sql.InLiterals):
    before, it sorted every waiting journal of the connector, 18 ms a claim at 10,000 a connector
    (bench/bench_claim.py)."""
    company, _ = tenant(1001, "alpha", connectors=(1,))
    Connector.objects.update(status=Status.CONNECTED, division=7001)
    for n in range(30):
        submit(company, cash_journal(f"Q-{n}", date(2024, 6, 10) - timedelta(days=n % 7)))
    with transaction.atomic():
        plan = claim_plan(lambda sql: 'ORDER BY "journals_journal"."date"' in sql)
    assert "journal_waiting" in plan, plan
    assert not re.search(r"TEMP B-TREE|Sort", plan), plan


def test_a_claim_takes_the_oldest_dates_first_and_says_where_each_goes() -> None:
    """The claim's statements are compiled once (issue 13); what it writes is what it wrote before: the batch is
    ours, in date order, and goes to the connector's division, except a journal to be looked up first, which
    keeps the division it went to until the lookup finds it absent."""
    company, _ = tenant(1001, "alpha")
    Connector.objects.update(status=Status.CONNECTED, division=7002)
    day = date(2024, 6, 10)
    journals = [submit(company, cash_journal(f"C-{n}", day - timedelta(days=n))) for n in range(4)]
    looked_up = journals[1]
    Journal.objects.filter(pk=looked_up.pk).update(status=JournalStatus.UNKNOWN, needs_lookup=True, exact_division=7001)
    now = clock.now()

    claimed = claim(now, "w1", batch=3)

    assert claimed == [journals[3].pk, journals[2].pk, journals[1].pk]  # oldest first, three of four
    rows = {j.pk: j for j in Journal.objects.filter(pk__in=[j.pk for j in journals])}
    for pk in claimed:
        assert (rows[pk].status, rows[pk].claimed_by, rows[pk].claimed_at) == (JournalStatus.SENDING, "w1", now)
    assert rows[journals[3].pk].exact_division == rows[journals[2].pk].exact_division == 7002
    assert rows[looked_up.pk].exact_division == 7001 and rows[looked_up.pk].needs_lookup
    assert rows[journals[0].pk].status == JournalStatus.QUEUED and rows[journals[0].pk].claimed_by == ""
    assert claim(now, "w2") == []  # one sender per connector: the fourth waits for this batch
