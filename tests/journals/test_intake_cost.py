"""What one ``POST /api/v1/journals`` costs the database (issue 13: eight statements, each with Django's
query building around it, were most of the intake's CPU).

The key is read with its company and whether it holds the API licence (one query); the connector with its
mapping (one); the connector's Exact data (one, none for a connector never connected); whether the
reference is known (one); then the journal and its lines are written (two). Lookups by a unique key carry no
ORDER BY: Django spent a fifth of a request compiling the models' default orderings into them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import exact_data
from ledgerlink.journals.models import ConnectorMapping, Journal
from tests.support.api import URL, Api, body, tenant
from tests.support.queries import compiled

pytestmark = pytest.mark.django_db

DIVISION = 7001
# Left out of the count: transaction control, and the wake of the worker (a NOTIFY on PostgreSQL; a file on SQLite).
NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "NOTIFY")


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block as the database sees them, but those NOT_COUNTED: an executemany
    is one per row (PostgreSQL parses and plans each)."""
    seen: list[str] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().split(None, 1)[0].upper() not in NOT_COUNTED:
            seen.extend([sql] * (len(params) if many else 1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def connect(connector: Connector) -> None:
    """As if Exact's data had been read from the connector's division: a small chart, and a mapping."""
    connector.division = DIVISION
    connector.save(update_fields=["division"])
    exact_data.store(
        connector,
        DIVISION,
        gl=[
            {"id": f"g{n}", "code": code, "description": code, "type": kind, "balance_type": "B", "vat_code": ""}
            | {"blocked": False}
            for n, (code, kind) in enumerate([("1000", 12), ("1500", 24), ("8000", 110)])
        ],
        vat=[{"code": "2", "description": "21 %", "type": "E", "percentage": "0.21", "blocked": False}],
        journals=[{"code": "90", "description": "Memoriaal", "type": 90, "allow_vat": True}],
        periods=[{"year": 2024, "period": 6, "start": "2024-06-01", "end": "2024-07-01"}],
        customers=[],
    )
    ConnectorMapping.objects.create(connector=connector)


@pytest.fixture
def company_and_key() -> tuple[Any, str]:
    return tenant(1001, "alpha")


def cash(reference: str) -> dict[str, Any]:
    """A cash closing that Exact's data above admits: 121.00 received, 100.00 turnover with 21.00 VAT."""
    return body(
        reference,
        lines=[
            {"ledger_code": "1000", "debit": "121.00", "description": "Cash"},
            {"ledger_code": "8000", "credit": "100.00", "vat_code": "2", "vat_amount": "21.00"},
        ],
    )


def warm(api: Api) -> None:
    """The key's "last used" is written once a minute: not what every request costs."""
    assert api.post(URL, cash("WARM")).status_code == 201


def test_a_new_journal_costs_six_statements(company_and_key: tuple[Any, str]) -> None:
    company, key = company_and_key
    connect(Connector.objects.get(company=company, number=1))
    api = Api(key)
    warm(api)
    with statements() as seen:
        response = api.post(URL, cash("NEW-1"))
    assert response.status_code == 201, response.content
    assert len(seen) == 6, "\n".join(seen)
    assert [s.split(None, 1)[0] for s in seen] == ["SELECT"] * 4 + ["INSERT"] * 2
    assert not [s for s in seen if "ORDER BY" in s], "a lookup by a unique key needs no ORDER BY"


def test_the_same_journal_again_costs_four_statements_and_no_check_against_exact_data(
    company_and_key: tuple[Any, str],
) -> None:
    """An ERP that did not hear the answer sends the journal again: the answer is the stored journal, found by
    its reference with its connector, then its lines and attempts; the connector, mapping and Exact data that a
    new journal is checked against are not read (what it was checked against when it was accepted stands)."""
    company, key = company_and_key
    connect(Connector.objects.get(company=company, number=1))
    api = Api(key)
    warm(api)
    first = api.post(URL, cash("AGAIN-1"))
    assert first.status_code == 201, first.content
    with statements() as seen:
        again = api.post(URL, cash("AGAIN-1"))
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert len(seen) == 4, "\n".join(seen)
    assert not [s for s in seen if "exactdatasnapshot" in s.lower() or "connectormapping" in s.lower()]


def test_no_statement_of_the_intake_is_built_again_for_a_request(company_and_key: tuple[Any, str]) -> None:
    """A new journal and the same journal again run statements compiled once per process: once both paths have
    run, a request builds no SQL (the answer to a journal sent again read its lines and attempts through
    Django's prefetching, which built both queries each time: a third of that request's instructions)."""
    company, key = company_and_key
    connect(Connector.objects.get(company=company, number=1))
    api = Api(key)
    warm(api)
    assert api.post(URL, cash("WARM")).status_code == 200
    with compiled() as built:
        new = api.post(URL, cash("BUILT-1"))
        again = api.post(URL, cash("BUILT-1"))
    assert (new.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == new.json()
    assert built == []


def test_at_the_company_address_the_company_is_one_more(company_and_key: tuple[Any, str]) -> None:
    company, key = company_and_key
    connect(Connector.objects.get(company=company, number=1))
    api = Api(key, host="alpha.localhost")
    warm(api)
    with statements() as seen:
        assert api.post(URL, cash("NEW-1")).status_code == 201
    assert len(seen) == 7, "\n".join(seen)
    assert not [s for s in seen if "ORDER BY" in s]


def test_a_connector_never_connected_reads_no_exact_data(company_and_key: tuple[Any, str]) -> None:
    _company, key = company_and_key
    api = Api(key)
    warm(api)
    with statements() as seen:
        assert api.post(URL, cash("NEW-1")).status_code == 201
    assert len(seen) == 5, "\n".join(seen)
    assert not [s for s in seen if "exactdatasnapshot" in s.lower()]


def test_the_licence_read_with_the_key_still_refuses_without_it(company_and_key: tuple[Any, str]) -> None:
    company, key = company_and_key
    company.licences.all().delete()
    response = Api(key).post(URL, cash("NEW-1"))
    assert response.status_code == 403
    assert response.json()["licence"] == "api"
    assert not Journal.objects.exists()


def test_the_mapping_read_with_the_connector_is_the_one_applied(company_and_key: tuple[Any, str]) -> None:
    company, key = company_and_key
    connector = Connector.objects.get(company=company, number=1)
    connect(connector)
    ConnectorMapping.objects.filter(connector=connector).update(cash_journal_code="91")
    response = Api(key).post(f"{URL}/validate", cash("DRY-1"))
    assert response.status_code == 200, response.content
    missing = [p for p in response.json()["problems"] if p["code"] == "journal.exact_journal_missing"]
    assert len(missing) == 1 and "91" in missing[0]["message"], response.json()["problems"]
    ConnectorMapping.objects.filter(connector=connector).update(cash_journal_code="90")
    response = Api(key).post(f"{URL}/validate", cash("DRY-1"))
    assert response.json()["ok"] is True, response.json()["problems"]
