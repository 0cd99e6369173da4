"""The one audit trail: who did what, to what, when. Actions call :func:`record` inside their transaction.

Every app writes here (companies, users, licences, API keys, connectors, mappings, resent journals): one
actor type (:class:`Actor`), one closed set of actions (:class:`AuditAction`), and what the event was
about as a :class:`~ledgerlink.core.messages.Message` (a code and parameters, rendered when read). A page
shows a company's trail with :func:`trail`, or one row's with ``trail(company, subject=row)``.

A journal's posting attempts are not audit entries: they are the journal's posting log
(``journals.models.Attempt``).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.tenancy.actors import Actor
from ledgerlink.tenancy.choices import AuditAction
from ledgerlink.tenancy.models import AuditEntry, Company

__all__ = ["Actor", "AuditAction", "diff", "record", "trail"]


def record(
    actor: Actor,
    action: AuditAction,
    *,
    company: Company | None,
    subject: models.Model | None = None,
    message: Message | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry, inside the caller's transaction (the action and its entry commit together)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit rows are written inside the action's transaction")
    return AuditEntry.objects.create(
        company=company,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_kind=actor.kind,
        actor_label=actor.label,
        action=AuditAction(action),
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        message=message,
        changes=changes or {},
        at=clock.now(),
    )


def trail(company: Company, subject: models.Model | None = None) -> models.QuerySet[AuditEntry]:
    """A company's entries, newest first; with ``subject``, only those about that row."""
    entries = AuditEntry.objects.for_company(company)
    if subject is not None:
        entries = entries.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk)
    return entries.order_by("-at", "-id")


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
