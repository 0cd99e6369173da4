"""`ledgerlink connector …` and `ledgerlink worker`, and the warning when no worker keeps tokens alive."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, crypto
from ledgerlink.core.models import WorkerHeartbeat
from tests import factories
from tests.conftest import BIN, run_cli, service_env

pytestmark = pytest.mark.django_db


def test_connector_check_prints_state_and_calls_me(connected) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("connector", "check", "demo", "1", stdout=out)
    text = out.getvalue()
    assert "status:        Connected" in text and "division:      7001 Demo Retail BV" in text
    assert "current/Me:    Connected as" in text


def test_connector_check_fails_when_it_cannot_work(connected) -> None:  # type: ignore[no-untyped-def]
    Connector.objects.filter(pk=connected.pk).update(status="reauth_required", status_reason="test")
    with pytest.raises(CommandError, match="No valid token"):
        call_command("connector", "check", "demo", "1", stdout=StringIO())
    with pytest.raises(CommandError, match="has no connector 5"):
        call_command("connector", "check", "demo", "5", stdout=StringIO())


def test_reencrypt_moves_secrets_to_the_new_key(connected, settings) -> None:  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    old_key = settings.LEDGERLINK_ENCRYPTION_KEYS[0]
    refresh = crypto.unseal(Connector.objects.get().refresh_token_sealed)
    new_key = Fernet.generate_key().decode()
    settings.LEDGERLINK_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("connector", "reencrypt", stdout=out)
    assert "re-encrypted 4 secrets" in out.getvalue()
    settings.LEDGERLINK_ENCRYPTION_KEYS = [new_key]  # the old key is gone: everything still reads
    assert crypto.unseal(Connector.objects.get().refresh_token_sealed) == refresh


def test_connectors_page_warns_when_no_worker_keeps_tokens_alive(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.traveller.shift(timedelta(days=21))
    client = factories.signed_in_client(setup.admin)  # the old session expired with the days
    page = client.get("/connectors/").content.decode()
    assert "No worker is running" in page and "1 Exact Online: tokens from" in page
    WorkerHeartbeat.objects.create(name="w1", started_at=clock.now(), seen_at=clock.now())
    assert "No worker is running" not in client.get("/connectors/").content.decode()


@override_settings()
def test_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = service_env(tmp_path)
    assert run_cli("migrate", "--verbosity", "0", env=env).returncode == 0
    worker = subprocess.Popen(
        [str(BIN / "ledgerlink"), "worker", "--interval", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = worker.stdout.readline() if worker.stdout else ""
    assert "worker running: keep-alive" in first
    time.sleep(0.5)  # let it run a round in real time: it is another process, not test time
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
    once = run_cli("worker", "--once", env=env)
    assert once.returncode == 0 and "keep-alive: {'refreshed': 0" in once.stdout
