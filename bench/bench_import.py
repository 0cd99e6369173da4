"""Import figures: RetailVista files of 1,000 / 10,000 / 50,000 entries (4 lines each) imported as the worker
imports them, while another company posts journals through the API.

Run: ``python bench/bench_import.py [--sizes 1000,10000,50000] [--postgres] [--port 8100]``. A fresh SQLite
file (or a PostgreSQL database of its own) in a temporary folder; the real service (``ledgerlink serve``) on
loopback for the other company. For each size a child process stores the file as an import job, claims and
runs it (``import_jobs.run``, what the worker's ``import-files`` job does), and reports its seconds, entries
per second, peak resident memory and how long each written chunk's transaction (on SQLite: the write lock)
took. Meanwhile company 2 posts 2-line journals one after the other; its p95 latency and any non-2xx answer
are compared with the same posting while nothing is imported. Printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("LEDGERLINK_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
LATENCY_LIMIT = 2.0  # the other company's p95 during an import, as a multiple of its p95 without one (issue 10)
TITLE = "Line number,Journal entry,Journal,Year,Period,Date,Amount,VAT code,VAT amount,Relation,GL number,Description\n"

SETUP = """
import django
django.setup()
from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
importer = actions.create_company(Actor.system(), 7001, "Import BV", "importer")
Connector.objects.create(company=importer, number=1, name="Exact Online")
other = actions.create_company(Actor.system(), 7002, "Other BV", "other")
actions.grant_licence(Actor.system(), other, "api")
Connector.objects.create(company=other, number=1, name="Exact Online")
print(apikeys.create_key(Actor.system(), other, "bench").plaintext)
"""


def entries_file(count: int, seed: str) -> bytes:
    rows = [TITLE]
    for entry in range(1, count + 1):
        day = f"2024-06-{(entry % 28) + 1:02d}"
        number = f"{seed}{entry}"
        rows.append(f"0,{number},90,2024,6,{day},100.00,,,,1000,Cash\n")
        rows.append(f"1,{number},90,2024,6,{day},21.00,,,,1100,PIN\n")
        rows.append(f"2,{number},90,2024,6,{day},-100.00,,,,8000,Sales\n")
        rows.append(f"3,{number},90,2024,6,{day},-21.00,,,,1500,VAT\n")
    return "".join(rows).encode()


def child(size: int, seed: str) -> None:
    """One import, as the worker runs it; prints its figures as JSON."""
    import django

    django.setup()
    from ledgerlink.connectors.models import Connector
    from ledgerlink.core import clock
    from ledgerlink.journals import import_jobs
    from ledgerlink.tenancy.audit import Actor
    from ledgerlink.tenancy.models import Company

    company = Company.objects.get(number=7001)
    connector = Connector.objects.for_company(company).get(number=1)
    data = entries_file(size, seed)
    began = time.perf_counter()
    job, _earlier = import_jobs.start(Actor.system(), company, connector, f"bench-{size}.csv", data)
    claimed = import_jobs.claim(clock.now(), job.pk)
    assert claimed is not None
    locks: list[float] = []
    from ledgerlink.journals import importer

    original = importer._write

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        original(*args, **kwargs)
        locks.extend(args[4].lock_seconds)

    importer._write = timed  # type: ignore[assignment]
    done = import_jobs.run(claimed)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "status": done.status,
                "created": done.journals_created,
                "bytes": len(data),
                "seconds": seconds,
                "peak_mb": peak_mb,
                "chunks": len(locks),
                "lock_max": max(locks, default=0.0),
                "lock_median": statistics.median(locks) if locks else 0.0,
            }
        )
    )


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 10):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port")


def env_for(var_dir: Path, database_url: str) -> dict[str, str]:
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
            "LEDGERLINK_LOG_LEVEL": "ERROR",
            "LEDGERLINK_LOG_FORMAT": "text",
            "DATABASE_URL": database_url,
        }
    )
    return env


class Poster(threading.Thread):
    """Company 2's ERP: one journal after the other until stopped; latency of each, and every non-2xx."""

    def __init__(self, port: int, key: str, prefix: str) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}", "Host": "localhost"}
        )
        self.prefix = prefix
        self.latencies: list[float] = []
        self.errors: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            body = {
                "reference": f"{self.prefix}-{number}",
                "kind": "cash",
                "connector": 1,
                "date": "2024-06-10",
                "lines": [{"ledger_code": "1000", "debit": "10.00"}, {"ledger_code": "8000", "credit": "10.00"}],
            }
            began = time.perf_counter()
            try:
                status = self.client.post("/api/v1/journals", json=body, timeout=60).status_code
            except httpx.HTTPError:
                status = 599
            self.latencies.append(time.perf_counter() - began)
            if status >= 300:
                self.errors.append(status)
            time.sleep(0.05)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seed)
        return 0

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
    env = env_for(var_dir, database_url)
    ledgerlink = str(BIN / "ledgerlink")
    subprocess.run([ledgerlink, "migrate", "--verbosity", "0"], env=env, check=True)
    key = subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True)
    api_key = key.stdout.strip().splitlines()[-1]
    port = free_port(args.port)
    server = subprocess.Popen(
        [ledgerlink, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("ledgerlink serve did not answer /healthz")
        database = "PostgreSQL" if args.postgres else "SQLite"
        quiet = Poster(port, api_key, "BASE")
        quiet.start()
        time.sleep(args.baseline_seconds)
        quiet.stop.set()
        quiet.join()
        baseline = p95(quiet.latencies)
        print(
            f"{database}: other company without an import: {len(quiet.latencies)} posts, "
            f"p95 {baseline * 1000:.0f} ms, non-2xx {quiet.errors[:5] or 0}"
        )
        for index, size in enumerate((int(part) for part in args.sizes.split(",")), start=1):
            poster = Poster(port, api_key, f"DURING{size}")
            poster.start()
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--seed", str(index)],
                env=env,
                capture_output=True,
                text=True,
            )
            poster.stop.set()
            poster.join()
            if done.returncode != 0:
                raise SystemExit(done.stderr[-3000:])
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{database}: {size} entries ({figures['bytes'] / 1e6:.1f} MB): {figures['status']}, "
                f"{figures['seconds']:.1f} s, {size / figures['seconds']:.0f} entries/s, "
                f"peak {figures['peak_mb']:.0f} MB; {figures['chunks']} chunks, transaction per chunk "
                f"median {figures['lock_median'] * 1000:.0f} ms, max {figures['lock_max'] * 1000:.0f} ms; "
                f"other company meanwhile: {len(poster.latencies)} posts, "
                f"p95 {p95(poster.latencies) * 1000:.0f} ms, non-2xx {poster.errors[:5] or 0}"
            )
            ratio = p95(poster.latencies) / baseline if baseline else float("inf")
            verdict = "within" if ratio <= LATENCY_LIMIT and not poster.errors else "OVER"
            print(
                f"{database}: {size} entries: other company's p95 during/without the import {ratio:.2f}x "
                f"(limit {LATENCY_LIMIT:.0f}x, 0 errors): {verdict}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if pg_name:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
