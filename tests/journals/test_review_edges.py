"""Edges found in review: odd digits, deep JSON, huge pages, import references, user edits, audit rows."""

from __future__ import annotations

from typing import Any

import pytest

from ledgerlink.journals.importer import parse
from ledgerlink.tenancy.models import User
from tests import factories
from tests.journals.test_api import URL, Api, body, tenant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["²", "9" * 5000, "12345678901234567890"])
def test_odd_digits_in_searches_are_no_match_not_a_crash(query: str) -> None:
    company = factories.company(1001, "Demo", "demo")
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert admin.get("/search", {"q": query}).status_code == 200
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    assert operator.get("/companies/", {"q": query}).status_code == 200
    assert operator.get("/search", {"q": query}).status_code == 200


@pytest.mark.parametrize("connector", ["²", "9" * 5000, 10**12])
def test_odd_connector_numbers_are_422(connector: Any) -> None:
    _company, key = tenant(1001, "alpha")
    answer = Api(key).post(URL, body(connector=connector))
    assert answer.status_code == 422
    assert any(p["field"] == "connector" for p in answer.json()["problems"])


def test_deeply_nested_json_and_huge_pages_are_422() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    assert api.post(URL, raw="[" * 100_000).status_code == 422
    assert api.get(URL, page="10000000000000000000").status_code == 422


def test_import_refuses_a_hyphen_in_the_journal_code_and_odd_digits() -> None:
    text = (
        "regel,boeking,dagboek,jaar,periode,datum,bedrag,btwcode,btwbedrag,relatie,grootboek,omschrijving,product\n"
        "0,1,90-2024,2026,1,2026-01-05,121.00,,,,1000,Kas,\n"
        "²,1,90,2026,1,2026-01-05,-121.00,,,,8000,Omzet,\n"
    )
    result = parse(text)
    messages = " ".join(problem.message for problem in result.problems)
    assert "90-2024" in messages and "line number" in messages


def test_a_refused_password_saves_nothing_else_and_an_own_new_password_keeps_the_session() -> None:
    company = factories.company(1001, "Demo", "demo")
    admin = factories.user(company, "admin")
    other = factories.user(company, "kassa", role="user")
    client = factories.signed_in_client(admin)
    refused = client.post(
        f"/users/{other.pk}/", {"full_name": "", "email": "", "role": "user", "new_password": "x"}
    )  # too short; "active" unticked
    assert refused.status_code == 200
    assert User.objects.get(pk=other.pk).is_active
    own = client.post(
        f"/users/{admin.pk}/",
        {"full_name": "", "email": "", "role": "admin", "is_active": "on", "new_password": "a-new-pass-word-5"},
    )
    assert own.status_code == 302
    assert client.get("/users/").status_code == 200  # still signed in
