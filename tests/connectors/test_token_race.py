"""Eight processes ask for a token at the moment it must be refreshed: exactly one refresh reaches Exact.

PostgreSQL only (SQLite serialises writers anyway): the row lock and the refresh claim are what is tested.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from ledgerlink.connectors.models import Connector
from ledgerlink.core import crypto
from tests.conftest import service_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PROCESSES = 8
ROUNDS = 50


def test_eight_processes_one_refresh_per_expiry(connected, clocks, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings_dict = connection.settings_dict
    env = service_env(
        tmp_path,
        DATABASE_URL=f"postgres://{settings_dict['USER'] or 'root'}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}",
        LEDGERLINK_EXACT_SANDBOX_URL=clocks.sandbox.base_url,
        LEDGERLINK_LOG_LEVEL="WARNING",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.connectors.token_race_child", str(connected.pk)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        refreshed_before = clocks.sandbox.state()["tokens"]["refreshed"]
        for round_number in range(1, ROUNDS + 1):
            clocks.advance(600 - 10)  # inside the last 30 seconds: the token must be refreshed now
            start = time.time() + 0.25
            for child in children:
                child.stdin.write(f"{clocks.now().isoformat()} {start}\n")
                child.stdin.flush()
            tokens = [child.stdout.readline().strip() for child in children]
            connector = Connector.objects.get(pk=connected.pk)
            assert connector.status == "connected", connector.status_reason
            stored = crypto.unseal(connector.access_token_sealed)
            assert tokens == [stored] * PROCESSES, (round_number, tokens)
            refreshed = clocks.sandbox.state()["tokens"]["refreshed"] - refreshed_before
            assert refreshed == round_number, f"round {round_number}: {refreshed} refreshes reached Exact"
        assert Connector.objects.get(pk=connected.pk).refresh_count == ROUNDS
        assert clocks.sandbox.state()["tokens"]["rejected"] == {}
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=30)
