"""Journals' list pages (the page, the API's list, API keys) cost a constant number of queries."""

from __future__ import annotations

import pytest

from ledgerlink.journals import apikeys
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.audit import Actor
from tests import factories
from tests.support.api import URL, Api, body, tenant
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _submit(api: Api, n: int) -> None:
    assert api.post(URL, body(f"Z-{n}")).status_code == 201


def test_journals_page() -> None:
    company, key = tenant(1001, "demo")
    api = Api(key, host="demo.localhost")
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert_constant_queries(admin, "/journals/", lambda n: _submit(api, n))
    assert Journal.objects.for_company(company).count() == 5


def test_api_list_of_journals() -> None:
    _company, key = tenant(1001, "demo")
    api = Api(key, host="demo.localhost")
    api.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert_constant_queries(api.client, URL, lambda n: _submit(api, n))


def test_api_keys_page() -> None:
    company = factories.company(licences=("api",))
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert_constant_queries(admin, "/apikeys/", lambda n: apikeys.create_key(Actor.system(), company, f"ERP {n}"))
