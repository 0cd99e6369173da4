"""Writing audit rows. Called by actions inside their transaction, never on its own."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ledgerlink.core import clock
from ledgerlink.tenancy.models import AuditEntry, Company, User


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in user, or the operator at the command line."""

    user: User | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user=user, label=str(user))

    @classmethod
    def cli(cls) -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(user=None, label=f"command line ({name})")

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, label="ledgerlink")


def record(
    actor: Actor, action: str, target: str, company: Company | None = None, changes: dict[str, Any] | None = None
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit rows are written inside the action's transaction")
    return AuditEntry.objects.create(
        company=company,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_label=actor.label,
        action=action,
        target=target,
        changes=changes or {},
        at=clock.now(),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
