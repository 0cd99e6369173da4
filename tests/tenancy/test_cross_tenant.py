"""A user of company A gets nothing of company B, on either host."""

import pytest

from ledgerlink.tenancy.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    a = factories.company(1001, "Alpha BV", "alpha", licences=("exact_online",))
    b = factories.company(1002, "Beta BV", "beta")
    anna = factories.user(a, "anna")
    bert = factories.user(b, "bert")
    b_user = factories.user(b, "bob", role="user")
    return a, b, anna, bert, b_user


def b_pages(b, b_user) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"/companies/{b.number}/", f"/users/{b_user.pk}/"]


def test_a_session_carried_to_b_host_is_anonymous(world) -> None:  # type: ignore[no-untyped-def]
    _a, b, anna, _bert, b_user = world
    client = factories.signed_in_client(anna, on_host="beta.localhost")  # a copied session cookie
    for path in ["/", "/companies/", "/users/", *b_pages(b, b_user)]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login"), path


def test_a_user_on_own_host_cannot_reach_b_records(world) -> None:  # type: ignore[no-untyped-def]
    _a, b, anna, _bert, b_user = world
    client = factories.signed_in_client(anna)
    for path in b_pages(b, b_user):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/companies/{b.number}/", {"name": "Hacked", "alias": "beta"}).status_code == 404
    assert client.post(f"/users/{b_user.pk}/", {"role": "admin", "is_active": "on"}).status_code == 404
    assert client.post(f"/companies/{b.number}/licences/exact_online/grant").status_code == 403
    listing = client.get("/companies/").content.decode()
    assert "Alpha BV" in listing and "Beta BV" not in listing
    users = client.get("/users/").content.decode()
    assert ">anna<" in users and ">bert<" not in users and ">bob<" not in users
    b_user.refresh_from_db()
    assert b_user.role == "user"


def test_a_user_of_company_without_alias_on_bare_domain_sees_only_own(world) -> None:  # type: ignore[no-untyped-def]
    _a, b, _anna, _bert, b_user = world
    c = factories.company(1003, "Gamma", alias=None)
    gina = factories.user(c, "gina")
    client = factories.signed_in_client(gina, on_host="localhost")
    for path in b_pages(b, b_user):
        assert client.get(path).status_code == 404, path
    assert "Beta BV" not in client.get("/companies/").content.decode()


def test_quick_search_is_scoped(world) -> None:  # type: ignore[no-untyped-def]
    _a, _b, anna, _bert, _b_user = world
    client = factories.signed_in_client(anna)
    assert "Beta" not in client.get("/search", {"q": "Beta"}).content.decode()
    assert "bert" not in client.get("/search", {"q": "bert"}).content.decode()
    assert "anna" in client.get("/search", {"q": "ann"}).content.decode()


def test_company_user_role_user_cannot_administer(world) -> None:  # type: ignore[no-untyped-def]
    _a, b, _anna, _bert, b_user = world
    client = factories.signed_in_client(b_user)
    assert client.get("/companies/").status_code == 403
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new").status_code == 403
    assert User.objects.filter(company=b).count() == 2
