"""``/readyz``: may this instance take traffic? Each check answers ``(ok, detail)``; all must pass.

``/healthz`` stays a cheap liveness probe (the process answers and reaches its database). Readiness
also asks what a load balancer or an operator's monitoring needs to know before sending work here:
the schema is current, a worker is alive to post what is accepted, and secrets can be decrypted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from ledgerlink.core import clock
from ledgerlink.core.crypto import parse_keys
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.core.worker import stale_after


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


_migrations_current = False  # once true it stays true for this process (nothing un-applies a migration)


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check(False, f"unreachable: {type(exc).__name__}")
    return Check(True, connection.vendor)


def migrations() -> Check:
    global _migrations_current
    if _migrations_current:
        return Check(True, "applied")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check(False, f"cannot be read: {type(exc).__name__}")
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:5])
        return Check(False, f"{len(plan)} not applied ({names}); run `ledgerlink migrate`")
    _migrations_current = True
    return Check(True, "applied")


def worker(now: datetime | None = None) -> Check:
    now = now or clock.now()
    within = stale_after()
    try:
        latest = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).order_by("-seen_at").first()
    except DatabaseError as exc:
        return Check(False, f"cannot be read: {type(exc).__name__}")
    if latest is None:
        return Check(False, "no worker heartbeat; start `ledgerlink worker`")
    age = (now - latest.seen_at).total_seconds()
    if age > within.total_seconds():
        return Check(False, f"last heartbeat {age:.0f} s ago ({latest.name}); allowed {within.total_seconds():.0f} s")
    return Check(True, f"{latest.name} seen {max(age, 0):.0f} s ago")


def encryption_key() -> Check:
    try:
        keys = parse_keys(settings.LEDGERLINK_ENCRYPTION_KEYS)
    except Exception as exc:
        return Check(False, f"unusable: {type(exc).__name__}")
    if not keys:
        return Check(False, "LEDGERLINK_ENCRYPTION_KEYS is empty")
    return Check(True, f"{len(keys)} key(s)")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": database,
    "migrations": migrations,
    "worker": worker,
    "encryption_key": encryption_key,
}


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    """Every check, even after one failed (the answer names all that are wrong). The database goes first:
    when it is unreachable the checks that read it say so instead of raising."""
    results = {name: check() for name, check in CHECKS.items()}
    return all(r.ok for r in results.values()), {n: {"ok": r.ok, "detail": r.detail} for n, r in results.items()}
