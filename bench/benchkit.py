"""What every bench needs before it measures: the service's settings, a database of its own, a journal.

Each bench runs the service in its own process against a fresh SQLite file in a temporary folder, or (with
``--postgres``) a PostgreSQL database made for the run and dropped after it. One home for that setup, so a
new required setting reaches every bench at once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

PG_ADMIN_URL = os.environ.get("LEDGERLINK_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
CALLBACK = "http://bench.localhost/oauth.ashx?provider=1"


@dataclass(frozen=True)
class Database:
    url: str  # DATABASE_URL for the service
    var_dir: Path  # the service's var/ folder (and the SQLite file)
    engine: str  # "SQLite" or "PostgreSQL", for the printed figures


@contextmanager
def database(postgres: bool) -> Iterator[Database]:
    """A fresh database for one run; a PostgreSQL one is dropped afterwards, whatever happened."""
    var_dir = Path(tempfile.mkdtemp(prefix="ledgerlink-bench-"))
    if not postgres:
        yield Database(f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir, "SQLite")
        return
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
        yield Database(url, var_dir, "PostgreSQL")
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may never have been set up
            pass
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox in a child process on a free loopback port (so its CPU is not the bench's); its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "exact_sandbox", "--port", "0", "--log-level", "WARNING"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not match:
            raise SystemExit(f"sandbox did not start: {line!r}")
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def configure(db: Database, sandbox_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings for a bench (http allowed on loopback); returns the environment for children."""
    env = {
        "DJANGO_SETTINGS_MODULE": "ledgerlink.settings",
        "LEDGERLINK_SECRET_KEY": "bench-only-secret-" + "u1V2w3X4y5Z6" * 4,
        "LEDGERLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LEDGERLINK_BASE_DOMAIN": "localhost",
        "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost",
        "LEDGERLINK_PUBLIC_SCHEME": "http",
        "LEDGERLINK_ALLOW_HTTP": "1",
        "LEDGERLINK_VAR_DIR": str(db.var_dir),
        "DATABASE_URL": db.url,
        "LEDGERLINK_EXACT_SANDBOX_URL": sandbox_url,
        "LEDGERLINK_LOG_LEVEL": "ERROR",
        "LEDGERLINK_LOG_FORMAT": "text",
        **extra,
    }
    os.environ.update(env)
    return dict(os.environ)


def connected(
    control: Any,
    company: Any,
    number: int = 1,
    *,
    name: str = "Bench",
    app: dict[str, Any] | None = None,
    callback: str = CALLBACK,
) -> Any:
    """A sandbox connector of ``company``, authorized through the sandbox's control API (``control``: an httpx
    client on its base URL) by the demo user; an app is registered for it unless one is given."""
    from ledgerlink.connectors import actions as connector_actions
    from ledgerlink.tenancy.audit import Actor

    if app is None:
        app = control.post("/_sandbox/apps", json={"name": f"{name} {number}", "redirect_uri": callback}).json()
    connector = connector_actions.create_connector(
        Actor.system(),
        company,
        number=number,
        name=name,
        region="sandbox",
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        callback_url=callback,
    )
    authorized = control.post("/_sandbox/authorize", json={"client_id": app["client_id"], "user": "demo@exact.example"})
    return connector_actions.authorize_with_code(Actor.system(), connector, authorized.json()["code"])


def journal_in(reference: str, day: date, connector: int = 1) -> Any:
    """A balanced two-line cash journal: 121.00 received, 100.00 turnover and 21.00 VAT (code 2)."""
    from ledgerlink.journals.intake import JournalIn, LineIn

    return JournalIn(
        reference=reference,
        kind="cash",
        connector=connector,
        date=day,
        description=reference,
        lines=[
            LineIn(ledger_code="1000", debit=Decimal("121.00")),
            LineIn(ledger_code="8000", credit=Decimal("100.00"), vat_code="2", vat_amount=Decimal("21.00")),
        ],
    )


CALLGRIND_DIR = "LEDGERLINK_BENCH_CALLGRIND_DIR"  # set for a run under valgrind: where its dumps go


def rerun_under_callgrind() -> int:
    """Run this bench again, with the same arguments, under ``valgrind --tool=callgrind`` with instrumentation
    off until the bench switches it on (``callgrind("-i", "on")``); its exit status."""
    import shutil

    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("--callgrind needs valgrind (and its callgrind_control) on PATH")
    folder = tempfile.mkdtemp(prefix="ledgerlink-callgrind-")
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={folder}/callgrind.out.%p",
        sys.executable,
        *sys.argv,
    ]
    done = subprocess.run(command, env={**os.environ, CALLGRIND_DIR: folder}, stderr=subprocess.DEVNULL)
    shutil.rmtree(folder, ignore_errors=True)
    return done.returncode


def callgrind(*args: str) -> None:
    """Tell the valgrind we run under what to do; it answers once it has done it (we wait in small sleeps)."""
    import time

    control = subprocess.Popen(["callgrind_control", *args, str(os.getpid())], stdout=subprocess.DEVNULL)
    while control.poll() is None:
        time.sleep(0.005)


def counted_instructions(folder: str) -> int:
    """The instructions counted in the last dump written to ``folder``."""
    import glob

    dumps = sorted(glob.glob(os.path.join(folder, "callgrind.out.*")), key=os.path.getmtime)
    with open(dumps[-1]) as dump:
        totals = [line for line in dump if line.startswith("totals:")]
    return int(totals[-1].split()[1])


@dataclass
class Cost:
    """What a measured block cost this process: CPU seconds, and instructions when run under callgrind."""

    cpu: float = 0.0
    instructions: int | None = None

    def per(self, count: int) -> tuple[float, float | None]:
        """(CPU ms, M instructions or None) for each of ``count`` things done in the block."""
        millions = self.instructions / count / 1e6 if self.instructions is not None else None
        return self.cpu / count * 1000, millions


@contextmanager
def measured(counted: str | None, label: str) -> Iterator[Cost]:
    """The CPU of the block and, under callgrind (``counted``: its dump folder), its instructions, counted with
    instrumentation switched on around the block alone."""
    import time

    cost = Cost()
    if counted:
        callgrind("-i", "on")
    began = time.process_time()
    yield cost
    cost.cpu = time.process_time() - began
    if counted:
        callgrind("-d", label)
        callgrind("-i", "off")
        cost.instructions = counted_instructions(counted)


def spread(values: list[float]) -> str:
    """min / median / max, as the benches print them."""
    import statistics

    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def cost_spread(figures: list[tuple[float, float | None]], unit: str) -> str:
    """Rounds' ``Cost.per`` figures as printed: CPU min / median / max, and instructions when counted."""
    line = f"CPU {spread([cpu for cpu, _ in figures])} ms {unit}"
    counted = [instructions for _, instructions in figures if instructions is not None]
    return line + (f" (slowed by valgrind); {spread(counted)} M instructions" if counted else "")
