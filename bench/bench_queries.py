"""Database work per posted journal: SQL queries and round trips, on SQLite and (with --postgres) PostgreSQL.

Run: ``python bench/bench_queries.py [--journals 50] [--postgres]``. Starts the sandbox (real clock) in this
process on a loopback port, a fresh database in a temporary folder (or a PostgreSQL database of its own),
one connector; the reference cache is warmed with a first journal, then N journals are posted by the
worker's posting job while Django's ``CaptureQueriesContext`` records every statement.

Round trips = statements + transaction ends (COMMIT/ROLLBACK, counted on the connection) + transaction
starts where the driver sends them separately (PostgreSQL's BEGIN; SQLite's BEGIN IMMEDIATE is a statement
and already counted). Printed, never asserted: the figure is what changes when the code does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet

PG_ADMIN_URL = os.environ.get("LEDGERLINK_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


def configure(var_dir: Path, database_url: str, sandbox_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ledgerlink.settings",
            "LEDGERLINK_SECRET_KEY": "bench",
            "LEDGERLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "LEDGERLINK_BASE_DOMAIN": "localhost",
            "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost",
            "LEDGERLINK_PUBLIC_SCHEME": "http",
            "LEDGERLINK_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "LEDGERLINK_EXACT_SANDBOX_URL": sandbox_url,
            "LEDGERLINK_LOG_LEVEL": "ERROR",
            "LEDGERLINK_LOG_FORMAT": "text",
        }
    )


def journal_in(reference: str, day):  # type: ignore[no-untyped-def]
    from ledgerlink.journals.submission import JournalIn, LineIn

    return JournalIn(
        reference=reference,
        kind="cash",
        connector=1,
        date=day,
        description=reference,
        lines=[
            LineIn("1000", debit=Decimal("121.00")),
            LineIn("8000", credit=Decimal("100.00"), vat_code="2", vat_amount=Decimal("21.00")),
        ],
    )


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

    from ledgerlink.connectors import actions as connector_actions
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
    callback = "http://bench.localhost/oauth.ashx?provider=1"
    app = control.post("/_sandbox/apps", json={"name": "bench", "redirect_uri": callback}).json()
    connector = connector_actions.create_connector(
        "bench",
        company,
        number=1,
        name="Bench",
        region="sandbox",
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        callback_url=callback,
    )
    code = control.post(
        "/_sandbox/authorize", json={"client_id": app["client_id"], "user": "demo@exact.example"}
    ).json()["code"]
    connector_actions.authorize_with_code("bench", connector, code)
    today = datetime.now(UTC).date()
    submit_journal(company, journal_in("WARM", today))
    post_due(clock.now())  # fills the reference cache: not part of the figure
    for n in range(journals):
        submit_journal(company, journal_in(f"Q-{n}", today))
    with CaptureQueriesContext(connection) as queries, TransactionEnds(connection) as ends:
        while post_due(clock.now()):
            pass
    posted = Journal.objects.filter(status="posted", reference__startswith="Q-").count()
    statements = len(queries.captured_queries)
    begins = ends.count if connection.vendor == "postgresql" else 0
    trips = statements + ends.count + begins
    print(
        f"{connection.vendor}: {posted} journals posted; per journal {statements / posted:.2f} SQL statements, "
        f"{trips / posted:.2f} database round trips ({ends.count / posted:.2f} transactions)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="ledgerlink-bench-"))
    pg_name = None
    if args.postgres:
        import psycopg

        pg_name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        database_url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{pg_name}"
    else:
        database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    from exact_sandbox.backend import Backend
    from exact_sandbox.server import BackgroundSandbox

    with BackgroundSandbox(Backend()) as sandbox:
        configure(var_dir, database_url, sandbox.base_url)
        import django

        django.setup()
        try:
            measure(args.journals)
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                import psycopg

                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
