"""Quick search (web/views.py) and the companies list's filter: odd input is no match, never a crash."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["²", "9" * 5000, "12345678901234567890"])
def test_odd_digits_in_searches_are_no_match_not_a_crash(query: str) -> None:
    company = factories.company(1001, "Demo", "demo")
    admin = factories.signed_in_client(factories.user(company, "admin"))
    assert admin.get("/search", {"q": query}).status_code == 200
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    assert operator.get("/companies/", {"q": query}).status_code == 200
    assert operator.get("/search", {"q": query}).status_code == 200


def hits(client, query: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_dutch_names_find_pages_and_records_in_either_language() -> None:
    from ledgerlink.connectors.models import Connector
    from ledgerlink.tenancy import actions
    from ledgerlink.tenancy.audit import Actor

    company = factories.company(1001, "Demo", "demo")
    Connector.objects.create(company=company, number=2, name="Winkels")
    english = factories.signed_in_client(factories.user(company, "admin"))
    dutch_user = factories.user(company, "jan")
    actions.update_user(Actor.system(), dutch_user, language="nl")
    dutch = factories.signed_in_client(dutch_user)
    for client in (english, dutch):
        assert "/connectors/" in hits(client, "koppeling")
        assert "/journals/" in hits(client, "dagboek") and "/journals/" in hits(client, "boeking")
        assert "/journals/import" in hits(client, "importeren")
        assert "/connectors/2/" in hits(client, "koppeling 2") and "/connectors/2/" in hits(client, "connector 2")
        assert "/users/" in hits(client, "gebruikers") and "/users/" in hits(client, "users")
    assert "Koppelingen" in hits(dutch, "koppeling") and "Connectors" in hits(english, "koppeling")
    journal = submit(company, cash_journal("Z-2026-1", date(2026, 11, 30), connector=2))
    for client in (english, dutch):
        for query in ("boeking Z-2026", "journal Z-2026", "wachtrij", "queued"):
            assert f"/journals/{journal.pk}/" in hits(client, query), query
