"""Row locks, taken only inside a transaction.

On PostgreSQL ``select_for_update`` is ``SELECT … FOR UPDATE``. SQLite has no row locks; our SQLite
connections begin every transaction with ``BEGIN IMMEDIATE`` (settings), which takes the database's write
lock at once, so a transaction that reads a row here holds it against every other writer until commit.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def lock_row(model: type[M], pk: int) -> M:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_row() must be called inside transaction.atomic()")
    return model.objects.select_for_update().get(pk=pk)


def lock_rows(queryset: models.QuerySet[M]) -> list[M]:
    """Lock several rows in primary-key order, so two transactions never wait on each other in a circle."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_rows() must be called inside transaction.atomic()")
    return list(queryset.select_for_update().order_by("pk"))
