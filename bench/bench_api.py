"""Journals per second accepted by ``POST /api/v1/journals`` (10-line journals), on SQLite and on PostgreSQL,
beside what the same machine does without the API around the write.

Run: ``python bench/bench_api.py [--journals N] [--clients C] [--skip-postgres]``. For each database it
migrates a fresh one (SQLite: a file in a temporary folder; PostgreSQL: a database of its own on
127.0.0.1:5432, created here and dropped afterwards), makes a company with the ``api`` licence, a connector
and an API key, starts the real service (``ledgerlink serve`` under gunicorn, loopback only), and posts N new
journals from C client threads. Every answer must be 201 and the database must hold N journals afterwards.
It also times the same N posts again (the idempotent 200 path). No worker runs, so nothing goes to Exact.

Two baselines in the same run say where the time goes: HTTP only (``GET /healthz`` through the same server
and clients: what gunicorn, Django's middleware and the clients cost without the API) and ORM only (the same
journal and lines inserted by the ORM in one transaction each, in one process: what the write itself costs).
The server's CPU per request (its processes' user + system time, from /proc) is printed for both HTTP runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("LEDGERLINK_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
LINES = 10
WARM_UP, WARM_UP_OFFSET = 20, 900000

SETUP = """
import django
django.setup()
from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
company = actions.create_company(Actor.system(), 7001, "Bench BV", "bench")
actions.grant_licence(Actor.system(), company, "api")
Connector.objects.create(company=company, number=1, name="Exact Online")
print(apikeys.create_key(Actor.system(), company, "bench").plaintext)
"""

ORM_ONLY = """
import sys, time
import django
django.setup()
from datetime import UTC, datetime
from decimal import Decimal
from django.db import transaction
from ledgerlink.connectors.models import Connector
from ledgerlink.journals.models import Journal, JournalLine
count, lines = int(sys.argv[1]), int(sys.argv[2])
connector = Connector.objects.get(number=1)
now = datetime.now(UTC)
started, cpu = time.perf_counter(), time.process_time()
for n in range(count):
    with transaction.atomic():
        journal = Journal.objects.create(
            company_id=connector.company_id, connector=connector, kind="cash", reference=f"ORM-{n:06d}",
            date="2024-06-10", description="Bench cash closing", content_hash=f"{n:064d}", content={},
            marker=f"ORM{n:021d}", next_attempt_at=now,
        )
        JournalLine.objects.bulk_create(
            JournalLine(journal=journal, line_no=i, ledger_code="8000", credit=Decimal("10.00"), description="x")
            for i in range(lines)
        )
print(time.perf_counter() - started, time.process_time() - cpu)
"""

COUNT = """
import django
django.setup()
from ledgerlink.journals.models import Journal, JournalLine
print(Journal.objects.count(), JournalLine.objects.count())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def service_env(var_dir: Path, database_url: str, conn_max_age: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ledgerlink.settings",
            "LEDGERLINK_SECRET_KEY": "bench-only-secret-" + "u1V2w3X4y5Z6" * 4,
            "LEDGERLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "LEDGERLINK_BASE_DOMAIN": "localhost",
            "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
            "LEDGERLINK_PUBLIC_SCHEME": "http",
            "LEDGERLINK_ALLOW_HTTP": "1",
            "LEDGERLINK_VAR_DIR": str(var_dir),
            "LEDGERLINK_LOG_LEVEL": "WARNING",
            "LEDGERLINK_LOG_FORMAT": "text",
            "DATABASE_URL": database_url,
        }
    )
    if conn_max_age is not None:
        env["LEDGERLINK_DB_CONN_MAX_AGE"] = str(conn_max_age)
    return env


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"ledgerlink serve exited early with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def journal(number: int) -> dict[str, object]:
    lines: list[dict[str, object]] = [
        {
            "ledger_code": "8000",
            "credit": f"{10 + i}.00",
            "vat_code": "2",
            "vat_amount": f"{(10 + i) * 0.21:.2f}",
            "description": f"Sales group {i}",
        }
        for i in range(LINES - 1)
    ]
    total = sum(10 + i for i in range(LINES - 1))
    lines.insert(0, {"ledger_code": "1000", "debit": f"{total}.00", "description": "Cash"})
    return {
        "reference": f"BENCH-{number:06d}",
        "kind": "cash",
        "connector": 1,
        "date": "2024-06-10",
        "description": "Bench cash closing",
        "lines": lines,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (gunicorn's master and workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(child) for child in children)
    return total


def database_cpu_seconds() -> float:
    """User + system CPU of every PostgreSQL server process on this machine (0 where there is none: SQLite runs
    inside the service's processes, so its time is in the server's figure)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError, ValueError):
            continue
        if name == "postgres":
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def bench(
    name: str,
    database_url: str,
    var_dir: Path,
    count: int,
    clients: int,
    conn_max_age: int | None,
    workers: int,
    threads: int,
) -> dict[str, object]:
    env = service_env(var_dir, database_url, conn_max_age)
    ledgerlink = str(BIN / "ledgerlink")
    run([ledgerlink, "migrate", "--verbosity", "0"], env)
    key = run([sys.executable, "-c", SETUP], env).strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [ledgerlink, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server)
        base = f"http://127.0.0.1:{port}"
        post_all(base, key, WARM_UP_OFFSET, WARM_UP, clients)  # imports, connections, caches
        get_all(base, WARM_UP, clients)
        cpu, database_cpu = cpu_seconds(server.pid), database_cpu_seconds()
        elapsed, statuses, client_ms = post_all(base, key, 0, count, clients)
        api_cpu, cpu = cpu_seconds(server.pid) - cpu, cpu_seconds(server.pid)
        database_cpu = database_cpu_seconds() - database_cpu
        again_database_cpu = database_cpu_seconds()
        again, again_statuses, _ = post_all(base, key, 0, count, clients)
        again_cpu = cpu_seconds(server.pid) - cpu
        again_database_cpu = database_cpu_seconds() - again_database_cpu
        cpu = cpu_seconds(server.pid)
        http_only, http_statuses, http_client_ms = get_all(base, count, clients)
        http_cpu = cpu_seconds(server.pid) - cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = run([sys.executable, "-c", COUNT], env).split()
    orm_elapsed, orm_cpu = (
        float(x) for x in run([sys.executable, "-c", ORM_ONLY, str(count), str(LINES)], env).split()
    )
    return {
        "api_cpu_ms": api_cpu / count * 1000,
        "database_cpu_ms": database_cpu / count * 1000,
        "again_cpu_ms": again_cpu / count * 1000,
        "again_database_cpu_ms": again_database_cpu / count * 1000,
        "client_ms": client_ms,
        "http_client_ms": http_client_ms,
        "http_only": http_only,
        "http_statuses": http_statuses,
        "http_cpu_ms": http_cpu / count * 1000,
        "orm_elapsed": orm_elapsed,
        "orm_cpu_ms": orm_cpu / count * 1000,
        "name": name,
        "count": count,
        "elapsed": elapsed,
        "statuses": statuses,
        "again": again,
        "again_statuses": again_statuses,
        "stored": int(stored[0]) - WARM_UP,
        "lines": int(stored[1]),
    }


class Clients:
    """One keep-alive HTTP/1.1 connection per client thread (the standard library's http.client: the load generator
    runs on the same two cores as the service, so it is kept lean; its own CPU per request is printed)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local = threading.local()
        self.opened: list[http.client.HTTPConnection] = []

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> int:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.opened.append(connection)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    def close(self) -> None:
        for connection in self.opened:
            connection.close()


def run_clients(
    clients: int, count: int, one: Callable[[Clients, int], int], base: str
) -> tuple[float, dict[int, int], float]:
    """``one(pool, n)`` for n in 0..count-1 from ``clients`` threads: seconds, answers by status, client CPU per
    request in ms (this process's CPU: the load generator's own cost)."""
    pool = Clients(base)
    statuses: dict[int, int] = {}
    cpu, started = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as threads:
        for status in threads.map(lambda n: one(pool, n), range(count)):
            statuses[status] = statuses.get(status, 0) + 1
    elapsed, client_cpu = time.perf_counter() - started, time.process_time() - cpu
    pool.close()
    return elapsed, statuses, client_cpu / count * 1000


def post_all(base: str, key: str, offset: int, count: int, clients: int) -> tuple[float, dict[int, int], float]:
    headers = {"Authorization": f"Bearer {key}", "Host": "localhost", "Content-Type": "application/json"}
    bodies = [json.dumps(journal(offset + n)).encode() for n in range(count)]  # encoded before the clock starts

    def one(pool: Clients, n: int) -> int:
        return pool.send("POST", "/api/v1/journals", bodies[n], headers)

    return run_clients(clients, count, one, base)


def get_all(base: str, count: int, clients: int) -> tuple[float, dict[int, int], float]:
    """The HTTP-only baseline: ``GET /healthz`` (no database) through the same server, clients and threads."""

    def one(pool: Clients, _n: int) -> int:
        return pool.send("GET", "/healthz", None, {"Host": "localhost"})

    return run_clients(clients, count, one, base)


def postgres_database() -> tuple[str, str] | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            name = f"ledgerlink_bench_{os.getpid()}"
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL at {PG_ADMIN_URL} is not usable, skipped: {exc}")
        return None
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://")
    return name, f"{base}/{name}"


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(result: dict[str, object]) -> None:
    count, elapsed, again = result["count"], result["elapsed"], result["again"]
    assert isinstance(count, int) and isinstance(elapsed, float) and isinstance(again, float)
    print(
        f"  {result['name']:<10}  new: {count / elapsed:7.1f} journals/s ({count} in {elapsed:5.2f} s, "
        f"answers {result['statuses']})   again: {count / again:7.1f} journals/s (answers {result['again_statuses']})"
        f"   stored {result['stored']} journals"
    )
    http_only, orm_elapsed = result["http_only"], result["orm_elapsed"]
    assert isinstance(http_only, float) and isinstance(orm_elapsed, float)
    print(
        f"              CPU per POST, new / again: server {result['api_cpu_ms']:.1f} / "
        f"{result['again_cpu_ms']:.1f} ms, "
        f"PostgreSQL {result['database_cpu_ms']:.1f} / {result['again_database_cpu_ms']:.1f} ms "
        f"(client {result['client_ms']:.1f} ms);  "
        f"baselines: HTTP only (GET /healthz) {count / http_only:7.1f}/s, server CPU {result['http_cpu_ms']:.1f} ms "
        f"(client {result['http_client_ms']:.1f} ms, answers {result['http_statuses']});"
        f"  ORM only {count / orm_elapsed:7.1f} journals/s, {result['orm_cpu_ms']:.1f} ms CPU each"
    )
    ok = result["statuses"] == {201: count} and result["again_statuses"] == {200: count} and result["stored"] == count
    print("              " + ("every journal accepted once" if ok else "MISMATCH: see the answers above"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=500, help="journals per database (bounded: 20..5000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (1..32)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="LEDGERLINK_DB_CONN_MAX_AGE for the service (default: the service's own, 60 s on PostgreSQL; "
        "0 is a new database connection per request)",
    )
    parser.add_argument("--workers", type=int, default=2, help="ledgerlink serve --workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="ledgerlink serve --threads (default 4)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    count = max(20, min(args.journals, 5000))
    clients = max(1, min(args.clients, 32))
    config = (args.conn_max_age, max(1, args.workers), max(1, args.threads))

    print(
        f"POST /api/v1/journals, {LINES}-line journals, {clients} client threads, "
        f"ledgerlink serve (gunicorn, {args.workers} workers x {args.threads} threads) on 127.0.0.1, "
        f"conn_max_age={'the default' if args.conn_max_age is None else args.conn_max_age}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="ledgerlink-bench-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results.append(
            bench("SQLite", f"sqlite:///{sqlite_dir / 'bench.sqlite3'}", sqlite_dir, count, clients, *config)
        )
        report(results[-1])
        if not args.skip_postgres:
            made = postgres_database()
            if made is not None:
                name, url = made
                try:
                    pg_dir = Path(tmp) / "pg"
                    pg_dir.mkdir()
                    results.append(bench("PostgreSQL", url, pg_dir, count, clients, *config))
                    report(results[-1])
                finally:
                    drop_postgres(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
