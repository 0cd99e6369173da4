"""Workers as separate processes: killed mid-post and restarted; two at once over 500 journals."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings

from ledgerlink.connectors import actions as connector_actions
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import stuck_after
from ledgerlink.tenancy.audit import Actor
from tests.support.journals import cash_journal, submit
from tests.support.workers import markers_in_exact, start_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_post_then_restarted_posts_each_journal_once(
    setup,
    connected,
    clocks,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    day = clocks.now().date()
    journals = [submit(setup.company, cash_journal(f"KILL-{n}", day)) for n in range(30)]
    setup.sandbox.add_fault("latency", method="POST", path="GeneralJournalEntries", count=1000, delay_ms=150)
    began = time.monotonic()
    worker = start_worker(clocks, tmp_path)
    try:
        assert wait_until(lambda: Journal.objects.filter(status="posted").count() >= 5), "nothing was posted"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    left = Journal.objects.exclude(status="posted").count()
    assert left > 0, "the kill came too late to test anything"
    setup.sandbox.clear_faults()
    # The killed worker's claims run out after the lease (derived from the Exact timeout, 30 s in the child):
    # the restarted worker starts that much later by the clock, counted from the killed one's last moment.
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=30.0, LEDGERLINK_SENDING_STUCK_SECONDS=0):
        lease = stuck_after().total_seconds()
    clocks.advance(lease + (time.monotonic() - began) + 1)
    restarted = start_worker(clocks, tmp_path)
    try:
        assert wait_until(lambda: Journal.objects.filter(status="posted").count() == len(journals)), list(
            Journal.objects.exclude(status="posted").values_list("reference", "status", "status_message")
        )
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=20)
    markers = markers_in_exact(setup.sandbox)
    assert sorted(markers) == sorted(j.marker for j in Journal.objects.all())  # each exactly once


@pytest.mark.postgres
def test_two_workers_over_500_journals(setup, connected, clocks, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup.sandbox.set_limits(minutely=100000, daily=1000000)
    # A second connector, on the branch division, so the two workers have two connectors to share.
    callback = "http://demo.localhost/oauth.ashx?provider=2"
    app = setup.sandbox.register_app("Branch", callback)
    second = connector_actions.create_connector(
        Actor.system(),
        setup.company,
        number=2,
        name="Branch",
        region="sandbox",
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        callback_url=callback,
    )
    second = connector_actions.authorize_with_code(Actor.system(), second, setup.sandbox.authorize(app["client_id"]))
    connector_actions.choose_division(Actor.system(), second, 7002)
    day = clocks.now().date()
    for n in range(500):
        submit(setup.company, cash_journal(f"BULK-{n}", day - timedelta(days=n % 5), connector=1 + n % 2))
    workers = [start_worker(clocks, tmp_path) for _ in range(2)]
    try:
        assert wait_until(lambda: Journal.objects.filter(status="posted").count() == 500, seconds=240), dict(
            Journal.objects.values_list("status").annotate()
        )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    markers = markers_in_exact(setup.sandbox, 7001) + markers_in_exact(setup.sandbox, 7002)
    assert len(markers) == 500 and len(set(markers)) == 500  # none twice
    assert Journal.objects.exclude(status="posted").count() == 0  # none left behind
