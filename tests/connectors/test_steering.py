"""Decisions are types, not prose: the keep-alive's counts, bounded waits, and stored reasons as codes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ledgerlink.connectors import engine
from ledgerlink.connectors.models import Connector
from ledgerlink.connectors.worker import keep_alive_all
from ledgerlink.core import clock
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_keep_alive_counts_a_connector_that_went_to_reauthorization_as_such(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    stale = Connector.objects.get().refresh_token_sealed
    clocks.advance(600)
    engine.access_token(connected.pk)
    Connector.objects.filter(pk=connected.pk).update(refresh_token_sealed=stale)  # a restored backup
    clocks.advance(25 * 3600)
    assert keep_alive_all(clock.now()) == {"refreshed": 0, "waiting": 0, "reauthorize": 1}
    assert Connector.objects.get().status == "reauth_required"


def test_a_spent_minute_during_the_reference_fetch_is_not_slept_in_the_round(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    setup.sandbox.set_limits(minutely=3)  # the cache needs five reads
    journal = submit(setup.company, cash_journal("LIMIT", clocks.now().date()))
    began = time.monotonic()
    post_due(clock.now())
    assert time.monotonic() - began < 10  # the wait for the next minute was not slept
    journal.refresh_from_db()
    assert journal.status == "queued" and journal.next_attempt_at > clock.now()
    assert journal.next_attempt_at <= clock.now() + timedelta(seconds=61)  # the minute's reset
    setup.sandbox.set_limits(minutely=60)
    clocks.advance(60)
    post_due(clock.now())
    assert Journal.objects.get(pk=journal.pk).status == "posted"


@pytest.mark.django_db(transaction=True)
def test_stored_english_becomes_the_legacy_code() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("connectors", "0002_ratelimitrecord")])
    old = executor.loader.project_state([("connectors", "0002_ratelimitrecord")]).apps
    company = old.get_model("tenancy", "Company").objects.create(number=4242, name="Old BV")
    old.get_model("connectors", "Connector").objects.create(
        company=company, number=1, name="c", status_reason="refresh interrupted: …", last_error="Exact: boom"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = Connector.objects.get(company__number=4242)
    assert row.status_reason.code == "legacy" and row.status_reason.text() == "refresh interrupted: …"
    assert row.last_error.text() == "Exact: boom"
