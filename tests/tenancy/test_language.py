"""Choosing the language: the user's setting, else the company's (Dutch for new companies); before sign-in
the language cookie, else the browser's; the switch in the header; Dutch formats where Dutch is read."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language
from ledgerlink.tenancy.models import AuditEntry, Company, User
from tests import factories

pytestmark = pytest.mark.django_db


def page(client: Client, path: str = "/users/", **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_new_companies_are_dutch_and_their_users_read_dutch_until_they_choose() -> None:
    company = actions.create_company(Actor.system(), 2001, "Bakkerij BV", "bakkerij")
    assert company.language == Language.NL
    admin = factories.user(company, "admin")
    assert admin.language == "" and admin.preferred_language(company) == "nl"
    client = factories.signed_in_client(admin)
    shown = page(client, "/users/", **{"Accept-Language": "en"})  # the company's language beats the browser's
    assert '<html lang="nl">' in shown and "Gebruikers" in shown and "Uitloggen" in shown
    actions.update_user(Actor.system(), admin, language=Language.EN)
    shown = page(client, "/users/", **{"Accept-Language": "nl"})
    assert '<html lang="en">' in shown and "Users" in shown and "Gebruikers" not in shown


def test_the_company_default_changes_for_users_without_a_choice_only() -> None:
    company = factories.company(language=Language.EN)
    admin = factories.user(company, "admin")
    english = factories.user(company, "piet", role="user")
    actions.update_user(Actor.system(), english, language=Language.EN)
    actions.update_company(Actor.system(), company, language=Language.NL)
    assert "Gebruikers" in page(factories.signed_in_client(admin))
    company.refresh_from_db()
    assert "Journals" in page(factories.signed_in_client(User.objects.get(pk=english.pk)), "/journals/")
    entry = AuditEntry.objects.for_company(company).filter(action="company.changed").get()
    assert entry.changes == {"language": ["en", "nl"]}


def test_company_and_user_pages_set_the_language() -> None:
    company = factories.company(language=Language.EN)
    admin = factories.user(company, "admin")
    client = factories.signed_in_client(admin)
    assert "Nederlands" in page(client, f"/companies/{company.number}/")
    client.post(f"/companies/{company.number}/", {"name": company.name, "alias": "demo", "language": "nl"})
    assert Company.objects.get(pk=company.pk).language == "nl"
    client.post("/users/new", {"username": "jan", "role": "user", "language": "en", "password": "Zeer-geheim-2026!"})
    assert User.objects.for_company(company).get(username="jan").language == "en"
    jan = User.objects.for_company(company).get(username="jan")
    client.post(f"/users/{jan.pk}/", {"role": "user", "is_active": "on", "language": ""})
    assert User.objects.get(pk=jan.pk).language == ""
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    operator.post("/companies/new", {"number": 3001, "name": "Nieuw BV", "alias": "", "language": "nl"})
    assert Company.objects.get(number=3001).language == "nl"


def test_before_sign_in_the_browser_decides_then_the_switch() -> None:
    factories.company()
    client = Client(HTTP_HOST="demo.localhost")
    assert "Inloggen" in page(client, "/login", **{"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert "Sign in" in page(client, "/login", **{"Accept-Language": "en-US"})
    switched = client.post("/language", {"language": "nl", "next": "/login"}, headers={"Accept-Language": "en"})
    assert switched.status_code == 302 and switched["Location"] == "/login"
    cookie = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "nl" and cookie["httponly"] and cookie["samesite"] == "Lax"
    shown = page(client, "/login", **{"Accept-Language": "en"})
    assert "Inloggen" in shown and 'aria-pressed="true" disabled>Nederlands' in shown
    away = client.post("/language", {"language": "en", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert client.post("/language", {"language": "fr", "next": "/login"}).cookies.get("django_language") is None


def test_the_switch_saves_the_signed_in_users_choice_with_an_audit_entry() -> None:
    company = factories.company(language=Language.EN)
    admin = factories.user(company, "admin")
    client = factories.signed_in_client(admin)
    client.post("/language", {"language": "nl", "next": "/users/"})
    admin.refresh_from_db()
    assert admin.language == "nl"
    assert "Gebruikers" in page(factories.signed_in_client(admin))  # any browser, any cookie: the setting
    entry = AuditEntry.objects.for_company(company).filter(action="user.changed").get()
    assert entry.changes == {"language": ["", "nl"]}


def test_an_operator_without_a_choice_reads_the_browsers_language() -> None:
    operator = factories.signed_in_client(factories.user(None, "op"), on_host="localhost")
    assert "Bedrijven" in page(operator, "/companies/", **{"Accept-Language": "nl"})
    assert "Companies" in page(operator, "/companies/", **{"Accept-Language": "en"})


def test_the_api_answers_in_accept_language_whatever_the_session_says() -> None:
    company = factories.company(language=Language.NL)
    client = factories.signed_in_client(factories.user(company, "admin"))
    english = client.get("/api/v1/journals", headers={"Accept-Language": "en"})
    dutch = client.get("/api/v1/journals", headers={"Accept-Language": "nl"})
    assert english.status_code == dutch.status_code == 401
    assert english["Content-Language"] == "en" and dutch["Content-Language"] == "nl"
    assert english.json()["code"] == dutch.json()["code"] and english.json()["detail"] != dutch.json()["detail"]
