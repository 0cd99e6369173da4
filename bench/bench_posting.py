"""Posting figures: API calls per posted journal, backlog drain rate against Exact's limit, worker memory.

Run: ``python bench/bench_posting.py [--journals 1000] [--divisions 10] [--per-division 700] [--workers 4]
[--window 60] [--postgres]``. Starts the sandbox (real clock) and uses a fresh SQLite file (or a PostgreSQL
database of its own) in a temporary folder; loopback only; every loop is bounded.

1. Calls per journal: one connector, N journals of a mix of kinds (``--mix``: cash, sales invoices, purchase
   invoices and their credit notes, in turn), the worker's posting job run in this process; calls are the
   sandbox's own count of REST requests (rate-limit counters), so reference reads and lookups are included.
   ``--window 0`` stops after this figure.
2. Drain rate: the sandbox's limit set to 600 a minute; a backlog in each of D divisions (one connector
   each); W ``ledgerlink worker`` processes for a window of real time; posted per division per minute as a
   fraction of 600, and how many 429s Exact answered.
3. Worker memory: resident set size of each worker process at the end of the window.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("LEDGERLINK_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "exact_sandbox", "--port", "0", "--log-level", "WARNING"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"listening on (http://\S+)", line)
    if match is None:
        raise SystemExit(f"sandbox did not start: {line!r}")
    return process, match.group(1)


def configure(var_dir: Path, database_url: str, sandbox_url: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "ledgerlink.settings",
        "LEDGERLINK_SECRET_KEY": "bench-only-secret-" + "u1V2w3X4y5Z6" * 4,
        "LEDGERLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LEDGERLINK_BASE_DOMAIN": "localhost",
        "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost",
        "LEDGERLINK_PUBLIC_SCHEME": "http",
        "LEDGERLINK_ALLOW_HTTP": "1",
        "LEDGERLINK_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "LEDGERLINK_EXACT_SANDBOX_URL": sandbox_url,
        "LEDGERLINK_LOG_LEVEL": "ERROR",
        "LEDGERLINK_LOG_FORMAT": "text",
    }
    os.environ.update(env)
    return {**{k: v for k, v in os.environ.items()}, **env}


def rest_calls(control: httpx.Client) -> int:
    return sum(r["daily_used"] for r in control.get("/_sandbox/state").json()["rate_limits"])


def journal_in(reference: str, connector: int, day, kind: str = "cash", credit_note: bool = False):  # type: ignore[no-untyped-def]
    """A journal of ``kind`` that Exact accepts: a cash closing, a sales invoice to customer 1000, or a purchase
    invoice of supplier 2001 (the sandbox's seed); ``credit_note`` takes an invoice's sides the other way."""
    from ledgerlink.journals.intake import JournalIn, LineIn

    def side(amount: str, debit: bool) -> dict[str, Decimal]:
        return {"debit" if debit != credit_note else "credit": Decimal(amount)}

    relation, lines = "", []
    if kind == "cash":
        lines = [
            LineIn(ledger_code="1000", debit=Decimal("121.00")),
            LineIn(ledger_code="8000", credit=Decimal("100.00"), vat_code="2", vat_amount=Decimal("21.00")),
        ]
    elif kind == "invoice":
        relation = "1000"
        lines = [
            LineIn(ledger_code="1300", **side("121.00", True)),
            LineIn(ledger_code="8000", **side("100.00", False), vat_code="2", vat_amount=Decimal("21.00")),
        ]
    else:
        relation = "2001"
        lines = [
            LineIn(ledger_code="7000", **side("100.00", True), vat_code="6", vat_amount=Decimal("21.00")),
            LineIn(ledger_code="1600", **side("121.00", False)),
        ]
    return JournalIn(
        reference=reference,
        kind=kind,
        connector=connector,
        date=day,
        description=reference,
        relation_code=relation,
        invoice_number=f"INV-{reference}" if kind == "purchase" else "",
        lines=lines,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=1000)
    parser.add_argument("--divisions", type=int, default=10)
    parser.add_argument("--per-division", type=int, default=700)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--limit", type=int, default=600, help="Exact's calls a minute per division in the drain")
    parser.add_argument("--latency-ms", type=int, default=0, help="the sandbox's answer time in the drain")
    parser.add_argument("--jitter-ms", type=int, default=0)
    parser.add_argument("--senders", type=int, default=16, help="LEDGERLINK_POSTING_SENDERS of each worker")
    parser.add_argument(
        "--mix",
        default="cash,invoice,purchase,invoice-credit,purchase-credit",
        help="the kinds posted in turn in the calls-per-journal figure (a -credit suffix: a credit note)",
    )
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
    sandbox, sandbox_url = start_sandbox()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        env = configure(var_dir, database_url, sandbox_url)
        import django

        django.setup()
        from django.core.management import call_command

        from ledgerlink.connectors import actions as connector_actions
        from ledgerlink.core import clock
        from ledgerlink.journals.actions import submit_journal
        from ledgerlink.journals.models import Attempt, Journal
        from ledgerlink.journals.posting import post_due
        from ledgerlink.tenancy import actions
        from ledgerlink.tenancy.audit import Actor

        call_command("migrate", verbosity=0)
        company = actions.create_company(Actor.system(), 9001, "Bench BV", "bench")
        actions.grant_licence(Actor.system(), company, "exact_online")
        control = httpx.Client(base_url=sandbox_url, timeout=30)
        control.post("/_sandbox/limits", json={"minutely": 1_000_000, "daily": 10_000_000})
        divisions = [7001] + [7100 + n for n in range(1, args.divisions)]
        for code in divisions[1:]:
            control.post("/_sandbox/divisions", json={"code": code, "description": f"Winkel {code}"}).raise_for_status()
        connectors = []
        for number, division in enumerate(divisions, start=1):
            callback = f"http://bench.localhost/oauth.ashx?provider={number}"
            app = control.post("/_sandbox/apps", json={"name": f"bench {number}", "redirect_uri": callback}).json()
            connector = connector_actions.create_connector(
                Actor.system(),
                company,
                number=number,
                name=f"Winkel {division}",
                region="sandbox",
                client_id=app["client_id"],
                client_secret=app["client_secret"],
                callback_url=callback,
            )
            code = control.post(
                "/_sandbox/authorize", json={"client_id": app["client_id"], "user": "demo@exact.example"}
            ).json()["code"]
            connector = connector_actions.authorize_with_code(Actor.system(), connector, code)
            connector = connector_actions.choose_division(Actor.system(), connector, division)
            connectors.append(connector)
        today = datetime.now(UTC).date()

        # 1. API calls per posted journal (one connector, cold cache included).
        before = rest_calls(control)
        mix = [part.strip() for part in args.mix.split(",") if part.strip()]
        for n in range(args.journals):
            kind, _, credit = mix[n % len(mix)].partition("-")
            submit_journal(company, journal_in(f"CALLS-{n}", 1, today, kind, credit_note=bool(credit)))
        started = time.perf_counter()
        for _ in range(1000):
            if not post_due(clock.now()):
                break
        posted = Journal.objects.filter(status="posted", reference__startswith="CALLS-").count()
        calls = rest_calls(control) - before
        seconds = time.perf_counter() - started
        by_kind = {
            kind: Journal.objects.filter(status="posted", reference__startswith="CALLS-", kind=kind).count()
            for kind in ("cash", "invoice", "purchase")
        }
        print(
            f"calls per posted journal: {calls} calls / {posted} journals = {calls / max(posted, 1):.4f} "
            f"(target <= 1.02; {posted / seconds:.1f} journals/s in one process; mix {args.mix}; posted by kind "
            f"{', '.join(f'{kind} {n}' for kind, n in by_kind.items())}; not posted "
            f"{args.journals - posted})"
        )
        if args.window <= 0:
            return 0

        # 2. Drain rate against the limit (600 a minute per division unless --limit), with Exact-like latency.
        control.post("/_sandbox/limits", json={"minutely": args.limit, "daily": 10_000_000})
        control.post("/_sandbox/latency", json={"ms": args.latency_ms, "jitter_ms": args.jitter_ms}).raise_for_status()
        for connector in connectors:
            for n in range(args.per_division):
                submit_journal(company, journal_in(f"DRAIN-{connector.number}-{n}", connector.number, today))
        t0 = time.time()
        log = open(var_dir / "workers.log", "w")  # noqa: SIM115 - closed with the workers
        workers = [
            subprocess.Popen(
                [str(BIN / "ledgerlink"), "worker", "--interval", "0.2"],
                env={**env, "LEDGERLINK_LOG_LEVEL": "WARNING", "LEDGERLINK_POSTING_SENDERS": str(args.senders)},
                stdout=log,
                stderr=log,
            )
            for _ in range(args.workers)
        ]
        print(f"worker log: {var_dir / 'workers.log'}")
        time.sleep(args.window)  # the benchmark's measuring window in real time
        rss = []
        for worker in workers:
            status = Path(f"/proc/{worker.pid}/status").read_text()
            rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)  # type: ignore[union-attr]
        minutes = (time.time() - t0) / 60
        fractions = []
        for connector in connectors:
            done = Journal.objects.filter(connector=connector, status="posted", reference__startswith="DRAIN-").count()
            fractions.append(done / minutes / args.limit)
        too_many = Attempt.objects.filter(http_status=429).count()
        print(
            f"drain rate over {minutes:.2f} min, {len(connectors)} divisions, {args.workers} workers of "
            f"{args.senders} senders, Exact answering in {args.latency_ms}±{args.jitter_ms} ms: "
            f"{min(fractions):.3f}..{max(fractions):.3f} of {args.limit}/min per division "
            f"(mean {sum(fractions) / len(fractions):.3f}; target >= 0.95); 429 answers: {too_many}"
        )
        print(f"worker memory (RSS): {', '.join(f'{mb} MB' for mb in rss)}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if pg_name:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
