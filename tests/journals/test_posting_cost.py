"""What one posted journal costs the database (issue 13: 19 statements and 6 commits per journal before).

A batch is read once (its journals, lines, Exact data, mapping, token) and reserves its calls to Exact once
(the governor's calls ahead: one transaction, and one more to give back those not made); each journal then
costs its outcome with its attempt and events (one transaction). The claim's lease is renewed only when it is
5 s old, so a quick batch renews nothing. Before the batch's reservation (2 December): 143 statements and 53
commits for 25 journals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from ledgerlink.core import clock
from ledgerlink.journals import posting
from ledgerlink.journals.batch import RENEW_EVERY
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import BATCH, post_due
from tests.support.journals import cash_journal, invoice_journal, submit
from tests.support.queries import compiled

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, counted as the database sees them

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Counted:
    """Statements and commits as they reach the database: a write outside a transaction is a commit too."""

    def __init__(self) -> None:
        self.statements = 0
        self.commits = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        word = sql.lstrip().split(None, 1)[0].upper()
        if word not in TRANSACTION_CONTROL:
            self.statements += 1
            if not connection.in_atomic_block and word in ("INSERT", "UPDATE", "DELETE"):
                self.commits += 1
        return execute(sql, params, many, context)

    def on_commit(self) -> None:
        self.commits += 1


def test_a_posted_journal_costs_at_most_four_statements_and_one_commit(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    submit(setup.company, cash_journal("WARM", day))
    assert post_due(clock.now()) == {"posted": 1}  # Exact's data read and stored: not what a journal costs
    for n in range(BATCH):
        submit(setup.company, invoice_journal(f"COST-{n}", day) if n % 2 else cash_journal(f"COST-{n}", day))

    counted = Counted()
    # A transaction's commit is the driver's commit(), not a statement: counted where Django calls it.
    real_commit = connection._commit

    def commit() -> None:
        counted.on_commit()
        real_commit()

    connection._commit = commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(counted), override_settings(LEDGERLINK_POSTING_SENDERS=1):
            assert post_due(clock.now()) == {"posted": BATCH}
    finally:
        del connection._commit  # type: ignore[attr-defined]

    assert Journal.objects.filter(reference__startswith="COST-", status="posted").count() == BATCH
    # Per batch: finding a connector with due journals and claiming them, reading the batch and its Exact data,
    # the governor's reservation, "Last contact"; per journal: the outcome (attempt, journal, events).
    assert counted.statements <= 4 * BATCH, counted.statements
    print(f"{counted.statements} statements, {counted.commits} commits for {BATCH} journals")
    # + the claim, the reservation, its give-back and "Last contact", once per batch, and the release of stuck
    # journals, once per round
    assert counted.commits <= BATCH + 5, counted.commits


def test_a_batch_after_the_first_builds_no_sql(setup, connected, clocks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every statement of a worker's round is compiled once per process (core/rows.py): the claim, the batch's
    reads, the lease's renewals, the outcome, "Last contact", the look for journals of a worker that died and
    for the soonest put-off journal. Django building a statement again costs more CPU than the database's own
    work on it; a round with nothing to claim runs too (a sender waiting for the next minute of Exact's window
    does that several times a second)."""
    validate = posting.validate_before_sending

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        clocks.advance(RENEW_EVERY.total_seconds())  # Exact takes its time: the lease is renewed before each POST
        return validate(*args, **kwargs)

    monkeypatch.setattr(posting, "validate_before_sending", slow)
    day = clocks.now().date()
    with override_settings(LEDGERLINK_POSTING_SENDERS=1):
        for n in range(3):  # a batch's reads are compiled once per number of journals (ForKeys): 3, then 3 again
            submit(setup.company, cash_journal(f"WARM-{n}", day))
        assert post_due(clock.now()) == {"posted": 3}  # Exact's data read, every statement compiled once
        for n in range(3):
            submit(setup.company, cash_journal(f"AGAIN-{n}", day))
        with compiled() as built:
            assert post_due(clock.now()) == {"posted": 3}
            assert post_due(clock.now()) == {}
    assert built == [], "\n".join(built)
