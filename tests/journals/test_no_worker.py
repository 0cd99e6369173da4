"""The Journals pages say plainly when journals wait and no worker is running, and stop saying it once one runs."""

from __future__ import annotations

import pytest

from ledgerlink.core.models import WorkerHeartbeat
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_queued_journals_without_a_worker_are_explained(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("W-1", clocks.now().date()))
    for url in ("/journals/", f"/journals/{journal.pk}/"):
        page = setup.client.get(url).content.decode()
        assert 'data-testid="no-worker"' in page and "Nothing is being sent right now" in page, url
    now = clocks.now()
    WorkerHeartbeat.objects.create(name="h:1", started_at=now, seen_at=now)
    for url in ("/journals/", f"/journals/{journal.pk}/"):
        assert 'data-testid="no-worker"' not in setup.client.get(url).content.decode(), url


def test_nothing_waiting_means_no_warning(setup, connected) -> None:  # type: ignore[no-untyped-def]
    assert 'data-testid="no-worker"' not in setup.client.get("/journals/").content.decode()
