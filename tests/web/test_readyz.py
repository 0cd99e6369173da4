"""``/readyz``: JSON with every check, 200 when all pass, 503 naming what fails; on any host, no sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings

from ledgerlink.core import clock, readiness
from ledgerlink.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float = 0, stopped: bool = False) -> None:
    seen = clock.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        name=f"h:{seconds_ago}", started_at=seen, seen_at=seen, stopped_at=seen if stopped else None
    )


def test_ready_when_every_check_passes() -> None:
    beat(1)
    response = Client(HTTP_HOST="10.0.0.5:8000").get("/readyz")  # load balancers probe by address
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "encryption_key"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["localhost", "demo.localhost", "10.0.0.5"])
def test_no_worker_heartbeat_is_503_naming_the_worker(host: str) -> None:
    response = Client(HTTP_HOST=host).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["ok"] is False and "ledgerlink worker" in body["checks"]["worker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_stale_or_stopped_worker_fails_the_check() -> None:
    with override_settings(LEDGERLINK_WORKER_STALE_SECONDS=60):
        beat(61)
        beat(0, stopped=True)
        check = readiness.worker()
    assert not check.ok and "allowed 60 s" in check.detail


def test_unapplied_migrations_fail(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(readiness, "_migrations_current", False)

    class Plan:
        def __init__(self, connection) -> None:  # type: ignore[no-untyped-def]
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):  # type: ignore[no-untyped-def]
            return [(type("M", (), {"app_label": "journals", "name": "0099_next"})(), False)]

    monkeypatch.setattr(readiness, "MigrationExecutor", Plan)
    check = readiness.migrations()
    assert not check.ok and "journals.0099_next" in check.detail and "ledgerlink migrate" in check.detail


def test_empty_encryption_keys_fail() -> None:
    with override_settings(LEDGERLINK_ENCRYPTION_KEYS=[]):
        assert not readiness.encryption_key().ok


def test_healthz_stays_cheap_and_ok_without_a_worker() -> None:
    assert Client(HTTP_HOST="10.0.0.5:8000").get("/healthz").json() == {"status": "ok"}
