"""Database work per posted journal: SQL queries and round trips, on SQLite and (with --postgres) PostgreSQL.

Run: ``python bench/bench_queries.py [--journals 50] [--postgres]``. Starts the sandbox (real clock) in this
process on a loopback port, a fresh database in a temporary folder (or a PostgreSQL database of its own),
one connector; the reference cache is warmed with a first journal, then N journals are posted by the
worker's posting job while Django's ``CaptureQueriesContext`` records every statement.

Statements leave out transaction control (Django's capture lists BEGIN and COMMIT beside them); round trips =
statements + transaction ends (COMMIT/ROLLBACK, counted on the connection) + as many transaction starts.
Printed, never asserted: the figure is what changes when the code does.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from benchkit import configure, connected, database, journal_in


class TransactionEnds:
    """Counts COMMIT and ROLLBACK sent by the connection while installed."""

    def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
        self.connection = connection
        self.count = 0

    def __enter__(self) -> TransactionEnds:
        wrapper = self.connection
        self._commit, self._rollback = wrapper._commit, wrapper._rollback

        def commit() -> None:
            self.count += 1
            self._commit()

        def rollback() -> None:
            self.count += 1
            self._rollback()

        wrapper._commit, wrapper._rollback = commit, rollback
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection._commit, self.connection._rollback = self._commit, self._rollback


def measure(journals: int) -> None:
    import httpx
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledgerlink.core import clock
    from ledgerlink.journals.actions import submit_journal
    from ledgerlink.journals.models import Journal
    from ledgerlink.journals.posting import post_due
    from ledgerlink.tenancy import actions
    from ledgerlink.tenancy.audit import Actor

    call_command("migrate", verbosity=0)
    company = actions.create_company(Actor.system(), 9001, "Bench BV", "bench")
    actions.grant_licence(Actor.system(), company, "exact_online")
    control = httpx.Client(base_url=os.environ["LEDGERLINK_EXACT_SANDBOX_URL"], timeout=30)
    control.post("/_sandbox/limits", json={"minutely": 1_000_000, "daily": 10_000_000})
    connector = connected(control, company)
    today = datetime.now(UTC).date()
    submit_journal(company, journal_in("WARM", today))
    post_due(clock.now())  # fills the reference cache: not part of the figure
    for n in range(journals):
        submit_journal(company, journal_in(f"Q-{n}", today))
    with CaptureQueriesContext(connection) as queries, TransactionEnds(connection) as ends:
        while post_due(clock.now()):
            pass
    posted = Journal.objects.filter(status="posted", reference__startswith="Q-").count()
    if posted == 0:
        raise SystemExit("nothing was posted: no figure")
    # Django's capture lists transaction control (SQLite's BEGIN IMMEDIATE, and COMMIT on both) beside the
    # statements: counted here once each, as round trips, not as statements.
    control = ("BEGIN", "COMMIT", "ROLLBACK")
    statements = sum(1 for query in queries.captured_queries if not query["sql"].lstrip().upper().startswith(control))
    begins = ends.count  # SQLite's BEGIN IMMEDIATE and PostgreSQL's BEGIN: one per transaction
    trips = statements + ends.count + begins
    print(
        f"{connection.vendor}: {posted} journals posted; per journal {statements / posted:.2f} SQL statements, "
        f"{trips / posted:.2f} database round trips ({ends.count / posted:.2f} transactions)"
    )
    building_clients(connector)


def building_clients(connector, builds: int = 200) -> None:  # type: ignore[no-untyped-def]
    """CPU to build the clients a claimed batch (``client_for``) and a refresh (``oauth_for``) use."""
    import time

    from ledgerlink.connectors import engine
    from ledgerlink.connectors.exact import client_for, oauth_for

    figures = {}
    for name, build in (
        ("client_for", lambda: client_for(connector, engine.ConnectorTokens(connector.pk))),
        ("oauth_for", lambda: oauth_for(connector)),
    ):
        build().close()  # the first one may build the process's pool
        began = time.process_time()
        for _ in range(builds):
            build().close()
        figures[name] = (time.process_time() - began) / builds * 1000
    print(
        f"building a client: client_for {figures['client_for']:.2f} ms CPU, oauth_for {figures['oauth_for']:.2f} ms CPU"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    from exact_sandbox.backend import Backend
    from exact_sandbox.server import BackgroundSandbox

    with database(args.postgres) as db, BackgroundSandbox(Backend()) as sandbox:
        # One sender, in this thread: the statements are counted on this thread's connection (with the default
        # of 16 senders each posts on a connection of its own, and nothing was counted here).
        configure(db, sandbox.base_url, LEDGERLINK_POSTING_SENDERS="1")
        import django

        django.setup()
        measure(args.journals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
