"""A claim on a journal is a lease: never released while its POST may still be on its way, released once it is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from ledgerlink.core import clock
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.journals import checks, posting
from ledgerlink.journals.models import Attempt
from ledgerlink.journals.posting import claim, post_due, process, release_stuck, stuck_after, stuck_minimum
from tests.support.journals import cash_journal, entries_with, submit

pytestmark = pytest.mark.django_db


def test_the_stuck_time_is_derived_from_the_exact_timeout() -> None:
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=30.0, LEDGERLINK_SENDING_STUCK_SECONDS=0):
        # 2 × 3 × 30 s for a POST and its retry after a 401, 2 s of limits, 10 s of tokens, 5 s between renewals, 30 s
        assert stuck_minimum() == timedelta(seconds=247) == stuck_after()
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=8.0, LEDGERLINK_SENDING_STUCK_SECONDS=600):
        assert stuck_after() == timedelta(seconds=600)


def test_start_up_refuses_a_stuck_time_shorter_than_a_post() -> None:
    # The case: 5 s stuck, 8 s latency, 3 of 3 journals booked twice.
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=8.0, LEDGERLINK_SENDING_STUCK_SECONDS=5):
        [error] = checks.sending_stuck_after(None)
        assert error.id == "ledgerlink.E020" and "5" in error.msg and "115 or more" in error.hint
        with pytest.raises(SystemCheckError, match="LEDGERLINK_SENDING_STUCK_SECONDS=5"):
            call_command("check")
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=8.0, LEDGERLINK_SENDING_STUCK_SECONDS=0):
        assert checks.sending_stuck_after(None) == []


def test_a_claim_is_released_only_after_its_lease(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("LEASE", clocks.now().date()))
    assert claim(clock.now(), worker="gone:1") == [journal.pk]
    clocks.advance(stuck_after().total_seconds() - 1)
    assert release_stuck(clock.now()) == 0
    clocks.advance(2)
    assert release_stuck(clock.now()) == 1
    journal.refresh_from_db()
    assert journal.status == "unknown" and journal.needs_lookup
    assert journal.status_message.code == "journal.worker_died"


def test_a_worker_whose_heartbeat_says_it_stopped_loses_its_claims_at_once(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("STOPPED", clocks.now().date()))
    assert claim(clock.now(), worker="host:42") == [journal.pk]
    WorkerHeartbeat.objects.create(name="host:41", started_at=clock.now(), seen_at=clock.now())
    assert release_stuck(clock.now()) == 0
    WorkerHeartbeat.objects.create(name="host:42", started_at=clock.now(), seen_at=clock.now(), stopped_at=clock.now())
    assert release_stuck(clock.now()) == 1


def test_a_slow_worker_renews_its_claim_before_posting_so_nobody_posts_it_again(  # type: ignore[no-untyped-def]
    setup, connected, clocks, monkeypatch
) -> None:
    """Worker A is slow before its POST and its POST is slow; worker B looks for stuck journals meanwhile."""
    journal = submit(setup.company, cash_journal("SLOW", clocks.now().date()))
    lease = stuck_after().total_seconds()
    validate, post = posting.validate_before_sending, posting._post
    released = []

    def slow_validation(*args, **kwargs):  # type: ignore[no-untyped-def]
        clocks.advance(lease - 1)  # A's claim is almost as old as the lease when it gets to the POST
        return validate(*args, **kwargs)

    def slow_post(*args, **kwargs):  # type: ignore[no-untyped-def]
        clocks.advance(lease - 1)  # the POST is on its way: B runs, the claim was renewed just before it
        released.append(release_stuck(clock.now()))
        return post(*args, **kwargs)

    monkeypatch.setattr(posting, "validate_before_sending", slow_validation)
    monkeypatch.setattr(posting, "_post", slow_post)
    assert post_due(clock.now(), worker="A") == {"posted": 1}
    assert released == [0]
    journal.refresh_from_db()
    assert journal.status == "posted" and len(entries_with(setup.sandbox, journal.marker)) == 1


def test_a_journal_taken_over_before_its_post_is_not_sent(setup, connected, clocks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("TAKEN", clocks.now().date()))
    validate = posting.validate_before_sending

    def taken_over_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        # A stalls past its lease: B releases the journal as stuck and claims it (it is due once looked up).
        clocks.advance(stuck_after().total_seconds() + 1)
        assert release_stuck(clock.now()) == 1
        assert claim(clock.now(), worker="B") == [journal.pk]
        return validate(*args, **kwargs)

    monkeypatch.setattr(posting, "validate_before_sending", taken_over_meanwhile)
    [claimed] = claim(clock.now(), worker="A")
    client = posting.client_for(connected, posting.ConnectorTokens(connected.pk))
    try:
        assert process(claimed, client, worker="A") == ""
    finally:
        client.close()
    assert entries_with(setup.sandbox, journal.marker) == []
    assert not Attempt.objects.filter(journal_id=journal.pk, action="post").exists()
