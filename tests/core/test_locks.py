"""Row locks: only through core/locks.py, only inside a transaction, in primary-key order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

from ledgerlink.connectors.lock_objects import lock_connector, try_lock_connector
from ledgerlink.core.locks import lock_first, lock_rows
from ledgerlink.tenancy.lock_objects import lock_company
from ledgerlink.tenancy.models import Company
from tests import factories

SRC = Path(__file__).resolve().parents[2] / "src" / "ledgerlink"


def test_select_for_update_is_called_only_in_core_locks() -> None:
    callers = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "locks.py" or path.parent.name != "core"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.select_for_update\(", line)
    ]
    assert callers == []


@pytest.mark.django_db(transaction=True)
def test_locks_are_refused_outside_a_transaction() -> None:
    company = factories.company()
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_company(company)
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_first(Company.objects.all())
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        try_lock_connector(1)


@pytest.mark.django_db
def test_several_rows_are_locked_in_primary_key_order() -> None:
    made = [factories.company(number, f"Company {number}", f"c{number}") for number in (3003, 1001, 2002)]
    with transaction.atomic():
        locked = lock_rows(Company.objects.order_by("-number"))
        assert [c.pk for c in locked] == sorted(c.pk for c in made)
        assert lock_first(Company.objects.filter(number=2002)) == made[2]
        assert lock_first(Company.objects.filter(number=9)) is None
        with pytest.raises(Exception, match="does not exist"):
            lock_connector(12345)
