"""The cache of Exact data: customers are rows found by code, each read replaces the last whole."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import exact_data
from ledgerlink.journals.choices import ExactDataKind
from ledgerlink.journals.models import ExactRelation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
DIVISION = 4001


def read(connector: Connector, customers: list[tuple[str, str]], division: int = DIVISION) -> None:
    exact_data.store(
        connector,
        division,
        gl=[],
        vat=[],
        journals=[],
        periods=[],
        customers=[{"id": f"id-{code}", "code": code, "name": name} for code, name in customers],
    )


@pytest.fixture
def connector() -> Connector:
    return Connector.objects.create(company=factories.company(), number=1, name="Exact", division=DIVISION)


def test_a_customer_is_found_by_its_code_with_one_query_and_remembered(connector: Connector) -> None:
    read(connector, [(str(n), f"Klant {n}") for n in range(1, 501)])
    customers = exact_data.load(connector).customers
    with CaptureQueriesContext(connection) as queries:
        assert customers.get("250") == {"id": "id-250", "code": "250", "name": "Klant 250"}
        assert customers.get("250") is not None
        assert "999" not in customers
        assert "999" not in customers
    assert len(queries) == 2  # one per code asked, whether it exists or not
    assert len(customers) == 500


def test_a_new_read_replaces_the_last_one_whole(connector: Connector) -> None:
    read(connector, [("1", "Oud"), ("2", "Weg")])
    read(connector, [("1", "Nieuw"), ("3", "Erbij")])
    customers = exact_data.load(connector).customers
    assert dict(customers.items()) == {
        "1": {"id": "id-1", "code": "1", "name": "Nieuw"},
        "3": {"id": "id-3", "code": "3", "name": "Erbij"},
    }
    assert ExactRelation.objects.filter(connector=connector).count() == 2  # the older read is gone


def test_customers_of_another_division_are_not_used(connector: Connector) -> None:
    read(connector, [("1", "Klant")], division=DIVISION + 1)
    assert exact_data.load(connector).fetched_at is None  # read for another division: to be read again


def test_an_earlier_read_that_finishes_last_is_not_pointed_at(
    connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reads at once: while the first writes its rows, a second is written, pointed at and cleaned up
    after; the first, finishing last, must not replace it (nor leave its rows behind)."""
    read(connector, [("1", "Eerste")])
    manager = ExactRelation.objects
    real_bulk_create = manager.bulk_create

    def meanwhile(rows: Any, *args: Any, **kwargs: Any) -> Any:
        written = real_bulk_create(rows, *args, **kwargs)
        monkeypatch.setattr(manager, "bulk_create", real_bulk_create)
        read(connector, [("1", "Later")])
        return written

    monkeypatch.setattr(manager, "bulk_create", meanwhile)
    read(connector, [("1", "Vroeger")])
    assert exact_data.load(connector).customers["1"]["name"] == "Later"
    snapshot = connector.exact_data.get(kind=ExactDataKind.CUSTOMERS)
    assert list(ExactRelation.objects.filter(connector=connector).values_list("generation", flat=True)) == [
        snapshot.items["generation"]
    ]


def test_a_day_is_found_in_its_period_and_new_periods_are_read_anew() -> None:
    def period(year: int, number: int, start: str, end: str) -> dict[str, Any]:
        return {"year": year, "period": number, "start": start, "end": end}

    data = exact_data.ExactData(
        fetched_at=None,
        periods=[
            period(2026, 11, "2026-11-01", "2026-11-30"),
            period(2026, 12, "", ""),  # no dates in Exact: never matches
            period(2027, 1, "2027-01-01", "2027-01-31"),
        ],
    )
    assert data.period_of(date(2026, 11, 1)) == (2026, 11)
    assert data.period_of(date(2026, 11, 30)) == (2026, 11)
    assert data.period_of(date(2026, 12, 15)) is None
    assert data.period_of(date(2027, 1, 31)) == (2027, 1)
    data.periods = [period(2026, 12, "2026-12-01", "2026-12-31")]
    assert data.period_of(date(2026, 12, 15)) == (2026, 12)
    assert data.period_of(date(2026, 11, 15)) is None
