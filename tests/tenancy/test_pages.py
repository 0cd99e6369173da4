"""Extra → Companies and Users, as company admins and operators use them."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from ledgerlink.tenancy.licences import LicenceMissing, has_licence, licence_required, require
from ledgerlink.tenancy.models import AuditEntry, Company, Licence, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():  # type: ignore[no-untyped-def]
    company = factories.company(1001, "Demo Retail BV", "demo")
    return company, factories.user(company, "admin")


def test_admin_renames_company_and_sees_it_in_the_audit_log(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    client = factories.signed_in_client(admin)
    response = client.post(f"/companies/{company.number}/", {"name": "Demo Retail Group", "alias": "demo"})
    assert response.status_code == 302
    page = client.get(f"/companies/{company.number}/").content.decode()
    assert "Demo Retail Group" in page
    assert "Company changed" in page and "Demo Retail BV → Demo Retail Group" in page
    assert AuditEntry.objects.filter(action="company.changed", actor=admin).exists()


def test_admin_changes_alias_and_is_carried_to_the_new_host(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    client = factories.signed_in_client(admin)
    response = client.post(f"/companies/{company.number}/", {"name": company.name, "alias": "demo-shop"})
    assert response.status_code == 302
    assert response["Location"].startswith("http://demo-shop.localhost/login/handoff?ticket=")
    assert Company.objects.get().alias == "demo-shop"
    assert Client(HTTP_HOST="demo.localhost").get("/login").status_code == 404


def test_alias_errors_are_shown_on_the_form(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    factories.company(1002, "Other", "taken")
    client = factories.signed_in_client(admin)
    for alias, message in [("taken", "already taken"), ("www", "reserved"), ("ab", "3 to 40")]:
        page = client.post(f"/companies/{company.number}/", {"name": company.name, "alias": alias})
        assert page.status_code == 200 and message in page.content.decode()
    assert Company.objects.get(number=1001).alias == "demo"


def test_operator_creates_company_and_grants_licences() -> None:
    operator = factories.user(None, "op")
    client = factories.signed_in_client(operator, on_host="localhost")
    response = client.post("/companies/new", {"number": 2001, "name": "Test Company", "alias": "testcompany"})
    assert response.status_code == 302 and response["Location"] == "/companies/2001/"
    assert client.post("/companies/2001/licences/exact_online/grant").status_code == 302
    assert Licence.objects.filter(company__number=2001, module="exact_online").exists()
    page = client.get("/companies/2001/").content.decode()
    assert "Licence granted · Licence exact_online" in page and "Revoke Exact Online" in page
    assert client.post("/companies/2001/licences/exact_online/revoke").status_code == 302
    assert not Licence.objects.filter(company__number=2001).exists()
    assert "2001" in client.get("/companies/", {"q": "Test"}).content.decode()


def test_company_admin_cannot_grant_licences_or_create_companies(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    client = factories.signed_in_client(admin)
    assert client.post(f"/companies/{company.number}/licences/api/grant").status_code == 403
    assert client.get("/companies/new").status_code == 403
    assert not Licence.objects.exists()
    assert "granted by the operator" in client.get(f"/companies/{company.number}/").content.decode()


def test_admin_manages_users(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    client = factories.signed_in_client(admin)
    created = client.post(
        "/users/new",
        {"username": "kassa", "full_name": "Kassa 1", "email": "", "role": "user", "password": "kassa-pass-word"},
    )
    assert created.status_code == 302
    kassa = User.objects.get(company=company, username="kassa")
    assert kassa.check_password("kassa-pass-word")
    edited = client.post(
        f"/users/{kassa.pk}/",
        {"full_name": "Kassa één", "email": "", "role": "user", "new_password": "new-pass-word-7"},
    )  # is_active unticked
    assert edited.status_code == 302
    kassa.refresh_from_db()
    assert kassa.full_name == "Kassa één" and not kassa.is_active and kassa.check_password("new-pass-word-7")
    duplicate = client.post("/users/new", {"username": "kassa", "role": "user", "password": "xxxx-yyyy-zzzz-1"})
    assert "already taken" in duplicate.content.decode()


def test_licence_helper_and_view_gate(demo) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo

    @licence_required("exact_online")
    def connectors(request):  # type: ignore[no-untyped-def]
        return HttpResponse("connectors")

    request = RequestFactory().get("/connectors/")
    request.company = company
    request.user = admin
    refused = connectors(request)
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Exact Online" in text and "operator" in text and "1001" in text
    with pytest.raises(LicenceMissing, match="no licence for the module “Exact Online”"):
        require(company, "exact_online")
    Licence.objects.create(company=company, module="exact_online")
    assert has_licence(company, "exact_online")
    assert connectors(request).content == b"connectors"


def test_quick_search_finds_menu_pages_and_records(demo) -> None:  # type: ignore[no-untyped-def]
    _company, admin = demo
    client = factories.signed_in_client(admin)
    results = client.get("/search", {"q": "Users"}).content.decode()
    assert 'href="/users/"' in results and 'role="option"' in results
    assert 'href="/companies/1001/"' in client.get("/search", {"q": "Demo"}).content.decode()
    assert "Nothing found" in client.get("/search", {"q": "zzz"}).content.decode()


def test_operator_quick_search_finds_companies_by_number() -> None:
    factories.company(1001, "Demo Retail BV", "demo")
    factories.company(1002, "Bakkerij", "bakker")
    client = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    results = client.get("/search", {"q": "1002"}).content.decode()
    assert "1002 Bakkerij" in results and "Demo Retail" not in results


def test_menu_shows_extra_with_companies_and_users(demo) -> None:  # type: ignore[no-untyped-def]
    _company, admin = demo
    page = factories.signed_in_client(admin).get("/").content.decode()
    assert "<summary>Extra</summary>" in page
    assert 'href="/companies/">Companies</a>' in page and 'href="/users/">Users</a>' in page


def test_company_list_query_count_does_not_grow_with_companies(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in range(2001, 2031):
        factories.company(number, f"Company {number}", f"c{number}", licences=("api",))
    client = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    with django_assert_max_num_queries(6):
        page = client.get("/companies/")
    assert page.content.decode().count("REST API") == 30


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234", "too short"),
        ("aaaa", "too short"),
        ("password1234", "too common"),
        ("804271396258", "entirely numeric"),
        ("kassa-lisse-1", "too similar to the user name"),
        ("kassa.lisse@example.nl", "too similar to the e-mail"),
    ],
)
def test_user_pages_refuse_weak_passwords(demo, password: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    company, admin = demo
    client = factories.signed_in_client(admin)
    form = {"username": "kassa-lisse", "email": "kassa.lisse@example.nl", "role": "user", "password": password}
    created = client.post("/users/new", form)
    assert created.status_code == 200 and reason in created.content.decode()
    assert not User.objects.filter(username="kassa-lisse").exists()
    kassa = factories.user(company, "kassa-lisse", role="user")
    edited = client.post(
        f"/users/{kassa.pk}/",
        {
            "full_name": "",
            "email": "kassa.lisse@example.nl",
            "role": "user",
            "is_active": "on",
            "new_password": password,
        },
    )
    assert edited.status_code == 200 and reason in edited.content.decode()
    kassa.refresh_from_db()
    assert kassa.check_password(factories.PASSWORD)


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
