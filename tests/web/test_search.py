"""Quick search (web/views.py) and the companies list's filter: odd input is no match, never a crash."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["²", "9" * 5000, "12345678901234567890"])
def test_odd_digits_in_searches_are_no_match_not_a_crash(query: str) -> None:
    company = factories.company(1001, "Demo", "demo")
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert admin.get("/search", {"q": query}).status_code == 200
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    assert operator.get("/companies/", {"q": query}).status_code == 200
    assert operator.get("/search", {"q": query}).status_code == 200
