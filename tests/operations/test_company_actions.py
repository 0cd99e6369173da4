"""Operator actions that needed the CLI: a company's first admin (one-time password), its API keys."""

from __future__ import annotations

import pytest

from ledgerlink.journals import apikeys
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def operator_client():  # type: ignore[no-untyped-def]
    return factories.signed_in_client(factories.user(None, "ops"), on_host="localhost")


def test_operator_creates_the_first_admin_with_a_one_time_password() -> None:
    company = factories.company()
    client = operator_client()
    page = client.post("/operations/companies/1001/", {"username": "boss", "email": "boss@demo.example"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="one-time-password"' in html
    password = html.split("<code>")[1].split("</code>")[0]
    admin = User.objects.for_company(company).get(username="boss")
    assert admin.is_company_admin and admin.email == "boss@demo.example" and admin.check_password(password)
    again = client.post("/operations/companies/1001/", {"username": "boss"}).content.decode()
    assert "already taken" in again and 'data-testid="one-time-password"' not in again


def test_operator_sees_and_revokes_a_companys_api_keys() -> None:
    company = factories.company()
    made = apikeys.create_key(Actor.system(), company, "ERP")
    client = operator_client()
    assert made.record.prefix in client.get("/operations/companies/1001/").content.decode()
    response = client.post(f"/operations/companies/1001/keys/{made.record.prefix}/revoke")
    assert response.status_code == 302
    made.record.refresh_from_db()
    assert made.record.revoked_at is not None


def test_company_admins_cannot_use_them() -> None:
    company = factories.company()
    admin = factories.user(company, "admin")
    client = factories.signed_in_client(admin)
    assert client.get("/operations/companies/1001/").status_code == 403
    assert client.post("/operations/companies/1001/", {"username": "x"}).status_code == 403
