"""Row locks, taken only inside a transaction, always in primary-key order.

On PostgreSQL ``select_for_update`` is ``SELECT … FOR UPDATE``. SQLite has no row locks; our SQLite
connections begin every transaction with ``BEGIN IMMEDIATE`` (settings), which takes the database's write
lock at once, so a transaction that reads a row here holds it against every other writer until commit.

These are the only callers of ``select_for_update``. Each app names what it locks in its own
``lock_objects.py`` (``lock_connector``, ``lock_api_key``…), built on these (``LockFirst``: ``lock_first``
compiled once, for a lock taken for every posted journal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from ledgerlink.core.rows import Lookup

M = TypeVar("M", bound=models.Model)


def _inside_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what}() must be called inside transaction.atomic()")


def lock_row(model: type[M], pk: int) -> M:
    """The row with this primary key, locked (``DoesNotExist`` when there is none)."""
    _inside_atomic("lock_row")
    return model._default_manager.select_for_update().get(pk=pk)


def lock_rows(queryset: models.QuerySet[M], *, skip_locked: bool = False, of: tuple[str, ...] = ()) -> list[M]:
    """Lock several rows in primary-key order, so two transactions never wait on each other in a circle.

    ``skip_locked``: rows another transaction holds are left out instead of waited for. ``of``: lock only
    these tables of a query that joins others (``("self",)``: not the rows of ``select_related``).
    """
    _inside_atomic("lock_rows")
    return list(queryset.select_for_update(skip_locked=skip_locked, of=of).order_by("pk"))


def lock_first(queryset: models.QuerySet[M], *, skip_locked: bool = False) -> M | None:
    """The first matching row (by primary key), locked; ``None`` when none matches (or all are taken)."""
    _inside_atomic("lock_first")
    return queryset.select_for_update(skip_locked=skip_locked).order_by("pk").first()


class LockFirst(Generic[M]):
    """:func:`lock_first` whose query the ORM builds once per process (core/rows.py's :class:`Lookup`): for a
    lock taken for every posted journal, where building the query again was most of the cost. ``build`` and
    the markers are a Lookup's; call it with the values. ``skip_locked``: as :func:`lock_first`'s."""

    def __init__(self, build: Callable[..., models.QuerySet[M]], *markers: Any, skip_locked: bool = False) -> None:
        self._lookup = Lookup(
            lambda **values: build(**values).select_for_update(skip_locked=skip_locked).order_by("pk")[:1], *markers
        )

    def __call__(self, using: str = "default", **values: Any) -> M | None:
        _inside_atomic("lock_first")
        return self._lookup.first(using, **values)


class LockRows(Generic[M]):
    """:func:`lock_rows` whose query the ORM builds once per process (core/rows.py's :class:`Lookup`): for a look
    that runs at every round of the worker. ``build``, the markers and the options are a Lookup's and
    :func:`lock_rows`'s; call it with the values."""

    def __init__(
        self,
        build: Callable[..., models.QuerySet[M]],
        *markers: Any,
        skip_locked: bool = False,
        of: tuple[str, ...] = (),
    ) -> None:
        self._lookup = Lookup(
            lambda **values: build(**values).select_for_update(skip_locked=skip_locked, of=of).order_by("pk"), *markers
        )

    def __call__(self, using: str = "default", **values: Any) -> list[M]:
        _inside_atomic("lock_rows")
        return self._lookup.rows(using, **values)
