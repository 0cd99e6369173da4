"""Several senders in one worker process: many connectors at once, still one sender per connector (issue 13)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.test import override_settings

from ledgerlink.connectors import actions as connector_actions
from ledgerlink.journals import posting
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.audit import Actor
from tests.journals.test_workers import markers_in_exact
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db(transaction=True)  # senders are threads with connections of their own

SENDERS = 3


def add_connector(setup, number: int, division: int) -> None:  # type: ignore[no-untyped-def]
    callback = f"http://demo.localhost/oauth.ashx?provider={number}"
    app = setup.sandbox.register_app(f"Branch {number}", callback)
    connector = connector_actions.create_connector(
        Actor.system(),
        setup.company,
        number=number,
        name=f"Branch {number}",
        region="sandbox",
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        callback_url=callback,
    )
    connector = connector_actions.authorize_with_code(
        Actor.system(), connector, setup.sandbox.authorize(app["client_id"])
    )
    connector_actions.choose_division(Actor.system(), connector, division)


def test_senders_post_for_several_connectors_at_once_each_journal_once(  # type: ignore[no-untyped-def]
    setup, connected, clocks, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup.sandbox.set_limits(minutely=100000, daily=1000000)
    add_connector(setup, 2, 7002)
    add_connector(setup, 3, 7002)
    day = clocks.now().date()
    for n in range(30):
        submit(setup.company, cash_journal(f"MANY-{n}", day, connector=1 + n % 3))

    # Every sender's first journal waits until all three senders hold one: if they did not run side by side,
    # the barrier would time out. Meanwhile no connector may ever have two journals in hand.
    barrier = threading.Barrier(SENDERS, timeout=60)
    first = threading.local()
    lock = threading.Lock()
    in_hand: Counter[int] = Counter()
    overlaps: list[int] = []
    real_process = posting.process

    def process(journal_id, client, worker, batch=None):  # type: ignore[no-untyped-def]
        connector_id = Journal.objects.values_list("connector_id", flat=True).get(pk=journal_id)
        with lock:
            in_hand[connector_id] += 1
            if in_hand[connector_id] > 1:
                overlaps.append(connector_id)
        try:
            if not getattr(first, "waited", False):
                first.waited = True
                barrier.wait()
            return real_process(journal_id, client, worker, batch)
        finally:
            with lock:
                in_hand[connector_id] -= 1

    monkeypatch.setattr(posting, "process", process)
    with override_settings(LEDGERLINK_POSTING_SENDERS=SENDERS):
        counts = posting.post_due(clocks.now())

    assert counts == {"posted": 30}
    assert not overlaps, f"two senders on one connector: {overlaps}"
    markers = markers_in_exact(setup.sandbox, 7001) + markers_in_exact(setup.sandbox, 7002)
    assert sorted(markers) == sorted(Journal.objects.values_list("marker", flat=True))  # each exactly once


@pytest.mark.django_db(transaction=True)
def test_a_stop_reaches_a_sender_waiting_for_work_within_a_second() -> None:
    """Senders that found nothing wait for the others (posting._Round); a SIGTERM must not wait out the round."""
    from ledgerlink.core import worker

    round_ = posting._Round(senders=3, deadline=time.monotonic() + 60)  # a third sender is still busy
    answers: list[bool] = []
    waiting = [threading.Thread(target=lambda: answers.append(round_.nothing_claimed())) for _ in range(2)]
    for thread in waiting:  # one looks out for new journals; the other waits for Exact's next minute
        thread.start()
    try:
        worker._stop_event.set()
        for thread in waiting:
            thread.join(timeout=5)  # a bound, not a pause: each returns as soon as the stop is seen
        assert not any(thread.is_alive() for thread in waiting) and answers == [False, False]
    finally:
        worker._stop_event.clear()
        for thread in waiting:
            thread.join()
