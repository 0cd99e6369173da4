"""Posting through faults: journals lost, posted twice, and needing a person, after a campaign of Exact's faults.

Run: ``python bench/bench_posting_faults.py [--journals 300] [--seed 19] [--postgres]``. Starts the sandbox in
this process (its clock frozen and moved by the bench), a fresh SQLite file (or a PostgreSQL database of its
own), one connector, and runs the worker's posting job in this process round after round, a minute of clock
apart (a round takes a batch of 25 journals). Before every round the sandbox gets faults on the POST of an
entry (or its lookup), drawn at random, one for every three journals due (at most 10):

- ``drop``: the entry is stored, the answer lost; ``500 after``: stored, then a 500 with an OData error;
- ``500``/``503``: refused at once, nothing stored (each with its own words, as distinct server errors are);
- ``timeout``: no answer within the Exact timeout (1 s here), nothing stored; ``429``: a spent minute;
- and now and then a 503 on the lookup by marker.

A few journals are dated in a period that is closed in Exact: those must fail, with Exact's words — they are
the only journals a person should have to look at. Printed: posted, failed (and why), lost (not in Exact
and not failed) and posted twice (two entries with one marker); targets 0 lost, 0 twice, and failed = the
closed-period journals.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from benchkit import CALLBACK, configure, database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POST = {"method": "POST", "path": "GeneralJournalEntries$"}
FAULTS = {  # kind → weight
    "drop": 3,
    "500 after": 3,
    "500": 3,
    "503": 2,
    "timeout": 1,
    "429": 1,
    "lookup 503": 1,
}


def add_fault(sandbox, name: str) -> None:  # type: ignore[no-untyped-def]
    if name == "drop":
        sandbox.add_fault("drop_after_commit", **POST)
    elif name == "500 after":
        sandbox.add_fault("status_after_commit", status=500, **POST)
    elif name in ("500", "503"):
        sandbox.add_fault("status", status=int(name), **POST)
    elif name == "timeout":
        sandbox.add_fault("timeout", delay_ms=1500, **POST)
    elif name == "429":
        sandbox.add_fault("status", status=429, count=3, **POST)
    else:
        sandbox.add_fault("status", method="GET", path="GeneralJournalEntryLines", status=503)


def journal_in(reference: str, day):  # type: ignore[no-untyped-def]
    from ledgerlink.journals.intake import JournalIn, LineIn

    return JournalIn(
        reference=reference,
        kind="cash",
        connector=1,
        date=day,
        description=reference,
        lines=[
            LineIn(ledger_code="1000", debit=Decimal("121.00"), description="Contant"),
            LineIn(ledger_code="8000", credit=Decimal("100.00"), vat_code="2", vat_amount=Decimal("21.00")),
        ],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=300)
    parser.add_argument("--closed", type=int, default=5, help="journals dated in a closed period")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--faults", type=int, default=10, help="faults injected before each round")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from exact_sandbox.backend import Backend
    from exact_sandbox.clock import SandboxClock
    from exact_sandbox.server import BackgroundSandbox
    from exact_sandbox.testing import SandboxHandle

    start = datetime.now(UTC).replace(day=15, hour=10, minute=0, second=0, microsecond=0)
    with database(args.postgres) as db, BackgroundSandbox(Backend(SandboxClock(start, mode="frozen"))) as server:
        configure(
            db,
            server.base_url,
            LEDGERLINK_LOG_LEVEL="CRITICAL",
            LEDGERLINK_EXACT_TIMEOUT_SECONDS="1",
            LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY="1000000",
            LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR="1000000",
        )
        import django

        django.setup()
        import time_machine
        from django.core.management import call_command

        from ledgerlink.connectors import actions as connector_actions
        from ledgerlink.core import clock
        from ledgerlink.journals.actions import submit_journal
        from ledgerlink.journals.models import Journal
        from ledgerlink.journals.posting import post_due
        from ledgerlink.tenancy import actions
        from ledgerlink.tenancy.audit import Actor

        call_command("migrate", verbosity=0)
        sandbox = SandboxHandle(server.base_url, server.app)
        sandbox.set_limits(token_calls_per_day=1_000_000, errors_per_hour=1_000_000)
        traveller = time_machine.travel(sandbox.now(), tick=False)
        coordinates = traveller.start()
        company = actions.create_company(Actor.system(), 9001, "Bench BV", "bench")
        actions.grant_licence(Actor.system(), company, "exact_online")
        app = sandbox.register_app("bench", CALLBACK)
        connector = connector_actions.create_connector(
            Actor.system(),
            company,
            number=1,
            name="Winkel",
            region="sandbox",
            client_id=app["client_id"],
            client_secret=app["client_secret"],
            callback_url=CALLBACK,
        )
        code = sandbox.authorize(app["client_id"])
        connector_actions.authorize_with_code(Actor.system(), connector, code)

        today = sandbox.now().date()
        closed = (today.replace(day=1) - timedelta(days=1)).replace(day=10)  # last month, closed in Exact
        sandbox._call("POST", "periods/close", {"division": 7001, "year": closed.year, "period": closed.month})
        for n in range(args.journals):
            submit_journal(company, journal_in(f"F-{n}", today))
        for n in range(args.closed):
            submit_journal(company, journal_in(f"CLOSED-{n}", closed))

        injected: Counter[str] = Counter()
        names, weights = list(FAULTS), list(FAULTS.values())
        rounds = 0
        while rounds < 2000:
            rounds += 1
            sandbox.clear_faults()
            due = Journal.objects.filter(status__in=("queued", "unknown")).count()
            # About one POST in three meets a fault, however few journals are left.
            for name in rng.choices(names, weights, k=min(args.faults, (due + 2) // 3)):
                add_fault(sandbox, name)
                injected[name] += 1
            post_due(clock.now())
            if not Journal.objects.filter(status__in=("queued", "unknown", "sending")).exists():
                break
            sandbox.advance(60)
            coordinates.move_to(sandbox.now())
        traveller.stop()

        markers = Counter()
        for entry in sandbox.entries(7001):
            for marker in {line.get("notes") for line in entry.get("lines", []) if line.get("notes")}:
                markers[marker] += 1
        statuses = Counter(Journal.objects.values_list("status", flat=True))
        failed = Counter(
            (j.reference.split("-")[0], j.status_message.code if j.status_message else "")
            for j in Journal.objects.filter(status="failed")
        )
        lost = sum(
            1 for j in Journal.objects.exclude(status="failed") if markers[j.marker] == 0 or j.status != "posted"
        )
        twice = sum(1 for count in markers.values() if count > 1)
        engine = db.engine
        print(f"posting faults ({engine}): {args.journals + args.closed} journals, {rounds} rounds a minute apart")
        print(f"  faults injected: {dict(injected)}")
        print(f"  journals: {dict(statuses)}")
        print(f"  lost {lost}, posted twice {twice} (targets 0 and 0)")
        needing = sum(failed.values())
        print(f"  needing a person: {needing} (target {args.closed}: the closed-period journals); why: {dict(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
