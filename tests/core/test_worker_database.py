"""A worker that loses its database says so once, in one line, keeps trying quietly, and says when it is back."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection

from ledgerlink.core import worker
from tests.conftest import service_env


def test_a_lost_database_is_logged_once_and_the_worker_recovers(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    rounds: list[str] = []
    failures = iter([True] * 5)

    def beat(name: str, started: object, *args: object, **kwargs: object) -> None:
        if next(failures, False):
            rounds.append("lost")
            raise OperationalError('connection failed: FATAL:  database "gone" does not exist\nDETAIL: more')

    def job(now: object) -> None:
        rounds.append("ran")
        if rounds.count("ran") == 2:
            stop.set()

    # No database in this test: the loop's connection housekeeping is left out, the heartbeat fails on purpose.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "connection", SimpleNamespace(close=lambda: None))
    monkeypatch.setattr(worker, "_beat", beat)
    monkeypatch.setattr(worker, "_jobs", [worker.Job("test", job)])
    with caplog.at_level(logging.DEBUG, logger="ledgerlink.worker"):
        worker.run_forever(0, stop)
    assert rounds == ["lost"] * 5 + ["ran", "ran"]
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO]
    errors = [text for level, text in said if level == "ERROR"]
    assert errors == [
        'database unavailable: connection failed: FATAL:  database "gone" does not exist; '
        "retrying every 0 s, quietly until it is back"
    ]
    assert any(level == "WARNING" and text.startswith("database back after") for level, text in said)
    assert all(r.exc_info is None for r in caplog.records)  # no tracebacks


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_worker_pointed_at_a_missing_database_says_so_once(tmp_path: Path) -> None:
    s = connection.settings_dict
    missing = f"postgres://{s['USER'] or 'root'}@{s['HOST']}:{s['PORT']}/{s['NAME']}_missing"
    env = service_env(tmp_path, DATABASE_URL=missing, LEDGERLINK_LOG_LEVEL="DEBUG")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "ledgerlink"), "worker", "--interval", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 120
        while sum("database still unavailable" in line for line in lines) < 5 and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
    finally:
        process.terminate()
        rest = process.communicate(timeout=60)[1]
    lines.extend(rest.splitlines())
    assert sum("database still unavailable" in line for line in lines) >= 5, lines[-20:]
    errors = [line for line in lines if " ERROR " in line]
    assert len(errors) == 1 and "does not exist" in errors[0], errors
    assert not any("Traceback" in line for line in lines), lines
