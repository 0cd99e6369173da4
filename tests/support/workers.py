"""Workers as separate processes (tests/journals/worker_child.py): started against the test database and the
sandbox, killed or stopped by the test, and what they left in Exact."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tests.conftest import service_env


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or 'root'}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def start_worker(clocks, tmp_path: Path, **extra: str) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    env = service_env(
        tmp_path,
        DATABASE_URL=database_url(),
        LEDGERLINK_EXACT_SANDBOX_URL=clocks.sandbox.base_url,
        LEDGERLINK_LOG_LEVEL="WARNING",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        **extra,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.journals.worker_child", clocks.now().isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until(predicate, seconds: float = 90.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)  # polling another process's progress, not moving test time
    return False


def markers_in_exact(sandbox, division: int = 7001) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for entry in sandbox.entries(division):
        notes = {line.get("notes") for line in entry.get("lines", []) if line.get("notes")}
        found.extend(notes)
    return found
