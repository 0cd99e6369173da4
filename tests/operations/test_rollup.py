"""The journal rollups (operations/rollup.py) are counted by the database: a UTC day and an accepted → posted time
are SQL of the database's own, not a Python function that SQLite calls back for every journal of the last 30 days
(Django's TruncDate and timestamp difference on SQLite), which the worker paid every 30 seconds (issue 13); the
figures are the same on SQLite and PostgreSQL (the suite runs this module on both), at a day's edges too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgerlink.connectors.models import Connector
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.operations.models import DailyJournals, DailyPosting
from ledgerlink.operations.rollup import recount_days
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def journal(connector: Connector, n: int, accepted: datetime, posted: datetime | None) -> None:
    status = JournalStatus.POSTED if posted else JournalStatus.QUEUED
    factories.journal_at(connector, f"R-{n}", status, accepted, posted)


def test_days_and_latencies_are_counted_by_the_database_at_a_days_edges() -> None:
    company = factories.company(1001, "Company 1001", "alpha")
    connector = Connector.objects.create(company=company, number=1, name="Exact")
    last_of_28th = datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC)
    first_of_29th = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
    journal(connector, 1, last_of_28th, last_of_28th + timedelta(seconds=60))  # posted on the 29th
    journal(connector, 2, first_of_29th, first_of_29th + timedelta(seconds=120, microseconds=250_000))
    journal(connector, 3, first_of_29th + timedelta(hours=3), first_of_29th + timedelta(hours=3, seconds=300))
    journal(connector, 4, last_of_28th - timedelta(hours=1), None)
    journal(connector, 5, NOW - timedelta(days=40), NOW - timedelta(days=40) + timedelta(seconds=5))  # too old

    with CaptureQueriesContext(connection) as captured:
        recount_days([connector.pk], NOW)
    called_back = [q["sql"] for q in captured.captured_queries if "django_" in q["sql"]]
    assert not called_back, called_back[0]

    accepted = {(r.day, r.status): r.journals for r in DailyJournals.objects.filter(connector=connector)}
    assert accepted == {
        (date(2026, 11, 28), JournalStatus.POSTED): 1,
        (date(2026, 11, 28), JournalStatus.QUEUED): 1,
        (date(2026, 11, 29), JournalStatus.POSTED): 2,
    }
    posted = {
        r.day: (r.posted, r.latency_total, r.latency_max) for r in DailyPosting.objects.filter(connector=connector)
    }
    # The 29th: 60 + 120.25 + 300 seconds, whole seconds of the sum; the longest 300.
    assert posted == {date(2026, 11, 29): (3, 480, 300)}
