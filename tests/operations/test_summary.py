"""The worker's summary: counts per connector without scanning journals per request; problems grouped."""

from __future__ import annotations

import pytest

from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.journals.actions import resend_failed
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.mapping import save_mapping
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.operations.models import ConnectorSummary, Problem
from ledgerlink.operations.summary import problem_key, summarize
from ledgerlink.tenancy.audit import Actor
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_counts_follow_the_journals_and_only_changed_connectors_are_recounted(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    for n in range(3):
        submit(setup.company, cash_journal(f"S-{n}", day))
    assert summarize(clock.now()) == {"connectors": 1}
    summary = ConnectorSummary.objects.get(connector=connected)
    assert (summary.queued, summary.posted, summary.failed) == (3, 0, 0)
    assert summary.oldest_queued_at is not None
    post_due(clocks.now())
    clocks.advance(1)
    summarize(clock.now())
    summary.refresh_from_db()
    assert (summary.queued, summary.posted) == (0, 3)
    assert summary.last_posted_journal is not None and summary.last_posted_at is not None
    clocks.advance(600)
    assert summarize(clock.now()) == {"connectors": 1}  # changes within the overlap are counted twice
    assert summarize(clock.now()) == {"connectors": 0}  # then nothing changed: nothing is recounted


def test_the_same_failure_on_line_2_or_3_is_one_problem() -> None:
    a = Message.of("journal.vat_missing", line=2, vat_code="77")
    b = Message.of("journal.vat_missing", line=3, vat_code="77")
    c = Message.of("journal.vat_missing", line=2, vat_code="78")
    assert problem_key(a) == problem_key(b) != problem_key(c)


def test_twenty_failing_journals_are_one_problem_that_resolves_itself(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    journals = []
    for n in range(20):
        journal_in = cash_journal(f"P-{n:02d}", day)
        lines = [journal_in.lines[0], journal_in.lines[1].model_copy(update={"vat_code": "77"})]  # unknown in Exact
        journals.append(submit(setup.company, journal_in.model_copy(update={"lines": lines})))
    post_due(clocks.now())
    assert Journal.objects.filter(status=JournalStatus.FAILED).count() == 20
    summarize(clock.now())
    problem = Problem.objects.get()
    assert problem.journals == 20 and problem.resolved_at is None
    assert "77" in problem.message.text() and "mapping page" in problem.message.fix()
    assert ConnectorSummary.objects.get(connector=connected).failed == 20

    save_mapping(Actor.system(), connected, {"vat_overrides": {"77": "2"}})
    resend_failed(setup.company, Actor.system())
    post_due(clocks.now())
    assert Journal.objects.filter(status=JournalStatus.POSTED).count() == 20
    clocks.advance(1)
    summarize(clock.now())
    problem.refresh_from_db()
    assert problem.resolved_at is not None and problem.journals == 0  # resolved, and kept in the history
    assert Problem.objects.filter(resolved_at__isnull=True).count() == 0
