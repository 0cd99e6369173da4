"""Problems on a company's own pages, never another company's; an operator's home says what needs attention."""

from __future__ import annotations

import pytest

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.operations.attention import rank
from ledgerlink.operations.models import ConnectorSummary, Problem
from tests import factories

pytestmark = pytest.mark.django_db


def company_with_problem(number: int, alias: str, vat_code: str):  # type: ignore[no-untyped-def]
    company = factories.company(number, f"Company {number}", alias)
    admin = factories.user(company, "admin")
    connector = Connector.objects.create(company=company, number=1, name="Exact", status=Status.CONNECTED)
    now = clock.now()
    Problem.objects.create(
        company=company,
        connector=connector,
        key=f"k{vat_code}",
        message=Message.of("journal.vat_missing", line=2, vat_code=vat_code),
        journals=35,
        first_seen_at=now,
        last_seen_at=now,
    )
    return admin


def test_a_company_admin_sees_only_its_own_problems() -> None:
    mine = company_with_problem(1001, "demo", "77")
    company_with_problem(1002, "other", "88")
    client = factories.signed_in_client(mine)
    for url in ("/", "/journals/"):
        page = client.get(url).content.decode()
        assert 'data-testid="company-problems"' in page and "VAT code 77" in page, url
        assert "VAT code 88" not in page, url
        assert "mapping page" in page  # the fix


def test_an_operators_home_counts_what_needs_attention() -> None:
    company_with_problem(1001, "demo", "77")  # its admin has no e-mail address: attention
    for connector in Connector.objects.all():  # as the worker's summary makes them (without its problems pass)
        ConnectorSummary.objects.create(connector=connector, company_id=connector.company_id, refreshed_at=clock.now())
    rank(clock.now())  # the worker's ranking, which the home page counts
    operator = factories.user(None, "ops")
    page = factories.signed_in_client(operator, on_host="localhost").get("/").content.decode()
    assert 'data-testid="operator-attention"' in page
    assert "1 connector needs attention" in page and "1 open problem" in page
    assert "No worker is running" in page
