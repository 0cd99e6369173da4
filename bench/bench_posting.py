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
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from benchkit import connected

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


def spread(values: list[float], fmt: str) -> str:
    return " / ".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User and system CPU of a process (or one of its threads) so far (stat fields 14 and 15, clock ticks)."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid is not None else f"/proc/{pid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def system_seconds(pid: int) -> float:
    """The kernel's part of a process's CPU (stat field 15): system calls, waking and switching threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[12]) / os.sysconf("SC_CLK_TCK")


def main_thread_cpu(pids: list[int]) -> float:
    """CPU of the workers' main threads: the heartbeat and the jobs other than posting (the summary, the
    ranking, the keep-alive); posting runs in the lane's and the senders' threads."""
    return sum(cpu_seconds(pid, pid) for pid in pids)


@contextmanager
def running_worker(env: dict[str, str], log_path: Path) -> Iterator[None]:
    """A ``ledgerlink worker`` with its default interval, for the time of the block."""
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [str(BIN / "ledgerlink"), "worker"], env={**env, "LEDGERLINK_LOG_LEVEL": "WARNING"}, stdout=log, stderr=log
        )
        try:
            yield
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def warm_up(connectors, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Every connector's Exact data read first, by a running worker posting one journal each (a cold cache costs
    a division six calls): what the latency and drain figures measure is a service whose cache is warm. Without
    it the drain's first run counted those reads in the first measured minute (54 posts and 6 reads: 0.900 for
    the divisions whose first claim fell in it), unless latency runs had warmed the cache before."""
    from ledgerlink.journals.actions import submit_journal
    from ledgerlink.journals.models import Journal

    today = datetime.now(UTC).date()
    for connector in connectors:
        submit_journal(connector.company, journal_in(f"{prefix}{connector.number}", connector.number, today))
    warm = Journal.objects.filter(reference__startswith=prefix, status="posted")
    for _ in range(240):  # at most two minutes
        if warm.count() == len(connectors):
            return
        time.sleep(0.5)  # real time: the worker posts them
    raise SystemExit(f"the warm-up posted {warm.count()} of {len(connectors)} journals in two minutes")


def accepted_to_posted(env, var_dir: Path, run: int, connectors, journals: int = 20) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds from a journal's acceptance to its posting, one journal every 0.5 s to a running worker whose
    pause between rounds is its default: it is woken by the journal (core/wake.py)."""
    from ledgerlink.journals.actions import submit_journal
    from ledgerlink.journals.models import Journal

    prefix = f"LATENCY{run}-"
    today = datetime.now(UTC).date()
    with running_worker(env, var_dir / f"latency-{run}.log"):
        warm_up(connectors, f"{prefix}warm-")
        for n in range(journals):
            connector = connectors[n % len(connectors)]
            submit_journal(connector.company, journal_in(f"{prefix}{n}", connector.number, today))
            time.sleep(0.5)  # real time: one at a time, as an ERP hands them over
        done = Journal.objects.filter(reference__startswith=prefix, status="posted").exclude(
            reference__startswith=f"{prefix}warm-"
        )
        for _ in range(120):  # at most a minute more
            if done.count() == journals:
                break
            time.sleep(0.5)
    return sorted((j.posted_at - j.created_at).total_seconds() for j in done)


def drain(args, env, var_dir: Path, run: int, connectors, sandbox_pid: int):  # type: ignore[no-untyped-def]
    """One drain run: a backlog of ``limit × (minutes + 1) + 10`` journals per division, worker processes started,
    and every full clock minute measured per division (Exact's minute window is the clock minute).

    A division-minute counts when the division still had a full minute's worth of journals at its start: its
    posts in that minute over the limit is the figure (1.0: every call Exact allowed was used). Idle: none.
    """
    from ledgerlink.journals.actions import submit_journal
    from ledgerlink.journals.models import Attempt, Journal

    prefix = f"DRAIN{run}-"
    per_division = args.limit * (args.minutes + 1) + 10
    today = datetime.now(UTC).date()
    for connector in connectors:
        for n in range(per_division):
            reference = f"{prefix}{connector.number}-{n}"
            submit_journal(connector.company, journal_in(reference, connector.number, today))
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would have done by now in a running service: without it PostgreSQL plans on the
        # statistics of the empty tables and reads every journal line to find a batch's (a sequential scan).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    too_many_before = Attempt.objects.filter(http_status=429).count()
    log = open(var_dir / f"workers-{run}.log", "w")  # noqa: SIM115 - closed with the workers
    workers = [
        subprocess.Popen(
            [str(BIN / "ledgerlink"), "worker"],  # its default interval: the pause ends when work comes due
            env={**env, "LEDGERLINK_LOG_LEVEL": "WARNING", "LEDGERLINK_POSTING_SENDERS": str(args.senders)},
            stdout=log,
            stderr=log,
        )
        for _ in range(args.workers)
    ]
    try:
        started = time.time()
        # The first full minute begins at the first minute boundary at least 5 s after the start (warm-up).
        first = (int(started + 5) // 60 + 1) * 60
        time.sleep(first - time.time())  # real time: the measuring window is Exact's clock minutes
        cpu0 = sum(cpu_seconds(w.pid) for w in workers)
        system0 = sum(system_seconds(w.pid) for w in workers)
        main0 = main_thread_cpu([w.pid for w in workers])
        sandbox0 = cpu_seconds(sandbox_pid)
        posted0 = Journal.objects.filter(status="posted", reference__startswith=prefix).count()
        end = first + 60 * args.minutes
        time.sleep(end - time.time())
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu0
        system = sum(system_seconds(w.pid) for w in workers) - system0
        main = main_thread_cpu([w.pid for w in workers]) - main0
        sandbox_cpu = cpu_seconds(sandbox_pid) - sandbox0
        posted = Journal.objects.filter(status="posted", reference__startswith=prefix).count() - posted0
        rss = []
        for worker in workers:
            status = Path(f"/proc/{worker.pid}/status").read_text()
            rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)  # type: ignore[union-attr]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        log.close()
    fractions, idle = [], 0
    window = []
    for connector in connectors:
        times = sorted(
            t.timestamp()
            for t in Journal.objects.filter(
                connector=connector, status="posted", reference__startswith=prefix
            ).values_list("posted_at", flat=True)
        )
        window.append(sum(1 for t in times if t < end) / ((end - started) / 60) / args.limit)
        for minute in range(args.minutes):
            start_at = first + 60 * minute
            left = per_division - sum(1 for t in times if t < start_at)
            if left < args.limit:
                continue  # not backlogged for the whole minute
            done = sum(1 for t in times if start_at <= t < start_at + 60)
            fractions.append(done / args.limit)
            idle += done == 0
    Journal.objects.filter(reference__startswith=prefix).exclude(status="posted").delete()  # before the next run
    return {
        "full_minutes": args.minutes,
        "division_minutes": len(fractions),
        "lowest": min(fractions, default=0.0),
        "mean": sum(fractions) / max(len(fractions), 1),
        "below": sum(1 for f in fractions if f < 0.95),
        "idle": idle,
        "window_mean": sum(window) / len(window),
        "too_many": Attempt.objects.filter(http_status=429).count() - too_many_before,
        "cpu_ms": cpu / max(posted, 1) * 1000,
        "posting_cpu_ms": (cpu - main) / max(posted, 1) * 1000,
        "system_cpu_ms": system / max(posted, 1) * 1000,
        "sandbox_cpu_ms": sandbox_cpu / max(posted, 1) * 1000,
        # The sandbox's code does not change between the runs compared, so its CPU per journal measures the
        # machine's speed at the time. Fourteen runs of one evening: the worker's CPU 2.58-5.54 ms per journal,
        # this ratio 2.83-3.24 in thirteen of them (3.81 in one).
        "cpu_ratio": cpu / max(sandbox_cpu, 1e-9),
        "rss": rss,
        "rss_max": max(rss),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=1000)
    parser.add_argument("--divisions", type=int, default=10)
    parser.add_argument("--per-division", type=int, default=700)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--window", type=float, default=60.0, help="0: the calls-per-journal figure only")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--limit", type=int, default=600, help="Exact's calls a minute per division in the drain")
    parser.add_argument("--latency-ms", type=int, default=0, help="the sandbox's answer time in the drain")
    parser.add_argument("--jitter-ms", type=int, default=0)
    parser.add_argument("--senders", type=int, default=16, help="LEDGERLINK_POSTING_SENDERS of each worker")
    parser.add_argument("--runs", type=int, default=3, help="drain runs, printed with min / median / max")
    parser.add_argument("--latency-runs", type=int, default=3, help="accepted -> posted runs (0: none)")
    parser.add_argument("--minutes", type=int, default=1, help="full clock minutes measured in each drain run")
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
    try:
        env = configure(var_dir, database_url, sandbox_url)
        import django

        django.setup()
        from django.core.management import call_command

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
        control = httpx.Client(base_url=sandbox_url, timeout=30)
        control.post("/_sandbox/limits", json={"minutely": 1_000_000, "daily": 10_000_000})
        divisions = [7001] + [7100 + n for n in range(1, args.divisions)]
        for code in divisions[1:]:
            control.post("/_sandbox/divisions", json={"code": code, "description": f"Winkel {code}"}).raise_for_status()
        connectors = []
        for number, division in enumerate(divisions, start=1):
            callback = f"http://bench.localhost/oauth.ashx?provider={number}"
            connector = connected(control, company, number, name=f"Winkel {division}", callback=callback)
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

        if args.latency_runs:
            control.post("/_sandbox/limits", json={"minutely": 1_000_000, "daily": 10_000_000})
            control.post("/_sandbox/latency", json={"ms": 300, "jitter_ms": 100}).raise_for_status()
            medians, p95s = [], []
            for run in range(1, args.latency_runs + 1):
                times = accepted_to_posted(env, var_dir, run, connectors)
                medians.append(statistics.median(times))
                p95s.append(statistics.quantiles(times, n=20)[-1])
                print(
                    f"accepted -> posted, run {run}, {len(times)} journals one at a time, Exact answering in "
                    f"300±100 ms, 1 worker: median {medians[-1]:.2f} s, p95 {p95s[-1]:.2f} s, "
                    f"min {min(times):.2f} s, max {max(times):.2f} s"
                )
            print(
                f"accepted -> posted over {args.latency_runs} runs, min / median / max: median "
                f"{spread(medians, '.2f')} s; p95 {spread(p95s, '.2f')} s (targets: median <= 0.5 s, p95 <= 1 s)"
            )

        # 2. Drain rate against the limit (600 a minute per division unless --limit), with Exact-like latency.
        control.post("/_sandbox/limits", json={"minutely": args.limit, "daily": 10_000_000})
        control.post("/_sandbox/latency", json={"ms": args.latency_ms, "jitter_ms": args.jitter_ms}).raise_for_status()
        if not args.latency_runs:  # the latency runs warmed the cache; otherwise warm it here
            with running_worker(env, var_dir / "warm-up.log"):
                warm_up(connectors, "DRAINWARM-")
        runs = []
        for run in range(1, args.runs + 1):
            figures = drain(args, env, var_dir, run, connectors, sandbox.pid)
            runs.append(figures)
            print(
                f"run {run}: {figures['full_minutes']} full minute(s), {len(connectors)} divisions, {args.workers} "
                f"worker(s) of {args.senders} senders, Exact answering in {args.latency_ms}±{args.jitter_ms} ms: "
                f"backlogged division-minutes at {figures['lowest']:.3f} of {args.limit}/min at the lowest, "
                f"{figures['mean']:.3f} on average, {figures['below']} of {figures['division_minutes']} below 0.95, "
                f"{figures['idle']} idle; whole window {figures['window_mean']:.3f}; "
                f"429 answers {figures['too_many']}; worker CPU {figures['cpu_ms']:.2f} ms per posted journal, "
                f"{figures['posting_cpu_ms']:.2f} ms of it in posting's threads, {figures['system_cpu_ms']:.2f} ms "
                f"in the kernel (sandbox {figures['sandbox_cpu_ms']:.2f} ms, the worker's {figures['cpu_ratio']:.2f} "
                f"times the sandbox's); "
                f"RSS {', '.join(f'{mb} MB' for mb in figures['rss'])}"
            )
        if not runs:
            return 0
        print(
            f"drain over {args.runs} run(s), min / median / max: "
            + "; ".join(
                f"{label} {spread([r[key] for r in runs], fmt)}"
                for label, key, fmt in (
                    ("lowest division-minute", "lowest", ".3f"),
                    ("mean division-minute", "mean", ".3f"),
                    ("division-minutes below 0.95", "below", "d"),
                    ("idle division-minutes", "idle", "d"),
                    ("429s", "too_many", "d"),
                    ("worker CPU ms/journal", "cpu_ms", ".2f"),
                    ("of it posting's threads", "posting_cpu_ms", ".2f"),
                    ("of it the kernel's", "system_cpu_ms", ".2f"),
                    ("worker CPU / sandbox CPU", "cpu_ratio", ".2f"),
                    ("worker RSS MB", "rss_max", "d"),
                )
            )
            + " (targets: >= 0.95 for every backlogged division-minute, 0 idle, 0 x 429, CPU <= 3 ms)"
        )
    finally:
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
