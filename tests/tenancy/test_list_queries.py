"""Tenancy's list pages cost a constant number of queries, whatever the number of rows."""

from __future__ import annotations

import pytest

from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from tests import factories
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_companies_list() -> None:
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    assert_constant_queries(
        operator, "/companies/", lambda n: factories.company(1000 + n, f"Shop {n}", f"shop{n}", licences=("api",))
    )


def test_users_list() -> None:
    company = factories.company()
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert_constant_queries(admin, "/users/", lambda n: factories.user(company, f"kassa{n}", role="user"))


def test_company_page_with_its_audit_trail() -> None:
    company = factories.company()
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert_constant_queries(
        admin,
        f"/companies/{company.number}/",
        lambda n: actions.update_company(Actor.system(), company, name=f"Demo Retail {n}"),
    )
