"""API keys: made and shown once, stored hashed, verified, revoked; the page, the menu and the command."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ledgerlink.core import clock
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module, Role
from ledgerlink.tenancy.models import AuditEntry
from tests import factories
from tests.conftest import run_cli, service_env

KEY = re.compile(r"^llk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def company() -> Any:
    return factories.company(1001, "Demo Retail BV", "demo", licences=(Module.API,))


@pytest.mark.django_db
def test_a_key_is_returned_once_and_only_its_hash_is_stored(company: Any) -> None:
    made = apikeys.create_key(Actor.system(), company, "RetailVista")
    assert KEY.match(made.plaintext)
    row = ApiKey.objects.get()
    assert row.prefix == made.plaintext.split("_")[1] and row.name == "RetailVista" and row.created_by == "ledgerlink"
    assert row.key_hash == apikeys.hash_key(made.plaintext) and made.plaintext not in str(row.__dict__)
    secret = made.plaintext.split("_", 2)[2]
    audit = AuditEntry.objects.get(action="apikey.created")
    assert (
        audit.company == company
        and secret not in str(audit.changes)
        and audit.message is not None
        and audit.message.params["prefix"] == row.prefix
    )
    assert apikeys.create_key(Actor.system(), company).plaintext != made.plaintext
    assert ApiKey.objects.filter(name="API key").count() == 1  # the default name


@pytest.mark.django_db
def test_verify_finds_good_keys_and_refuses_others(company: Any) -> None:
    made = apikeys.create_key(Actor.system(), company, "ERP")
    assert apikeys.verify(made.plaintext).key == made.record
    assert apikeys.verify(f"  {made.plaintext} ").key == made.record
    prefix = made.record.prefix
    wrong_secret = f"llk_{prefix}_" + "A" * 43
    assert apikeys.verify(wrong_secret).key is None and apikeys.verify(wrong_secret).reason == "Unknown API key."
    assert apikeys.verify("llk_ffffffff_" + "A" * 43).reason == "Unknown API key."
    assert "llk_<prefix>_<secret>" in apikeys.verify("Bearer abc").reason
    apikeys.revoke_key(Actor.system(), company, prefix)
    assert apikeys.verify(made.plaintext).reason == "This API key was revoked."


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(company: Any) -> None:
    made = apikeys.create_key(Actor.system(), company)
    with time_machine.travel(clock.now(), tick=False) as traveller:
        apikeys.verify(made.plaintext)
        first = ApiKey.objects.get().last_used_at
        assert first == clock.now()
        traveller.shift(timedelta(seconds=30))
        apikeys.verify(made.plaintext)
        assert ApiKey.objects.get().last_used_at == first
        traveller.shift(timedelta(seconds=31))
        apikeys.verify(made.plaintext)
        assert ApiKey.objects.get().last_used_at == clock.now()


@pytest.mark.django_db
def test_revoke_is_scoped_to_the_company_and_audited(company: Any) -> None:
    other = factories.company(1002, "Other BV", "other")
    made = apikeys.create_key(Actor.system(), company)
    with pytest.raises(apikeys.ApiKeyError, match="has no API key"):
        apikeys.revoke_key(Actor.system(), other, made.record.prefix)
    assert ApiKey.objects.get().revoked_at is None
    revoked = apikeys.revoke_key(Actor.system(), company, made.record.prefix)
    again = apikeys.revoke_key(Actor.system(), company, made.record.prefix)
    assert revoked.revoked_at is not None and again.revoked_at == revoked.revoked_at
    assert AuditEntry.objects.filter(action="apikey.revoked").count() == 1
    with pytest.raises(apikeys.ApiKeyError):
        apikeys.create_key(Actor.system(), company, "x" * 101)


# --- the page -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_creates_a_key_shows_it_once_lists_and_revokes(company: Any) -> None:
    client = factories.signed_in_client(factories.user(company))
    page = client.get("/apikeys/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_name">Name</label>' in html and "No API keys yet." in html
    assert "/api/v1/docs" in html

    created = client.post("/apikeys/", {"name": "RetailVista shop 1"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    html = created.content.decode()
    plaintext = re.search(r'value="(llk_[^"]+)"', html).group(1)
    assert KEY.match(plaintext) and "shown only this once" in html
    key = ApiKey.objects.get()
    assert apikeys.verify(plaintext).key == key

    listing = client.get("/apikeys/").content.decode()
    assert plaintext not in listing and plaintext.split("_", 2)[2] not in listing
    assert f"llk_{key.prefix}_…" in listing and "RetailVista shop 1" in listing and "admin" in listing

    revoked = client.post(f"/apikeys/{key.prefix}/revoke", follow=True)
    assert revoked.status_code == 200
    assert f"API key {key.prefix} (RetailVista shop 1) is revoked" in revoked.content.decode()
    assert ApiKey.objects.get().revoked_at is not None
    assert apikeys.verify(plaintext).key is None
    assert client.get(f"/apikeys/{key.prefix}/revoke").status_code == 405


@pytest.mark.django_db
def test_page_says_when_the_api_licence_is_missing() -> None:
    company = factories.company(1003, "No API BV", "noapi")
    html = factories.signed_in_client(factories.user(company)).get("/apikeys/").content.decode()
    assert "REST API" in html and "operator" in html and "403" in html


@pytest.mark.django_db
def test_only_the_companys_admins_see_and_change_its_keys(company: Any) -> None:
    made = apikeys.create_key(Actor.system(), company, "ERP")
    clerk = factories.signed_in_client(factories.user(company, "clerk", role=Role.USER))
    assert clerk.get("/apikeys/").status_code == 403
    assert clerk.post(f"/apikeys/{made.record.prefix}/revoke").status_code == 403
    other = factories.company(1002, "Other BV", "other")
    boss = factories.signed_in_client(factories.user(other, "boss"))
    assert made.record.prefix not in boss.get("/apikeys/").content.decode()
    boss.post(f"/apikeys/{made.record.prefix}/revoke")
    assert ApiKey.objects.get().revoked_at is None
    operator = factories.signed_in_client(factories.user(None, "op"))
    assert operator.get("/apikeys/").status_code == 403


@pytest.mark.django_db
def test_menu_and_quick_search_offer_api_keys_and_import_to_admins(company: Any) -> None:
    admin = factories.signed_in_client(factories.user(company))
    home = admin.get("/").content.decode()
    assert '<a href="/apikeys/">API keys</a>' in home and '<a href="/journals/import">Import</a>' in home
    hits = admin.get("/search", {"q": "api key"}).content.decode()
    assert "/apikeys/" in hits
    assert "/journals/import" in admin.get("/search", {"q": "import"}).content.decode()
    made = apikeys.create_key(Actor.system(), company, "Webshop bridge")
    found = admin.get("/search", {"q": made.record.prefix}).content.decode()
    assert "Webshop bridge" in found and made.plaintext not in found
    assert "Webshop bridge" in admin.get("/search", {"q": "webshop"}).content.decode()
    clerk = factories.signed_in_client(factories.user(company, "clerk", role=Role.USER))
    assert "/apikeys/" not in clerk.get("/").content.decode()
    assert "Webshop bridge" not in clerk.get("/search", {"q": "webshop"}).content.decode()


# --- the command --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_create_list_revoke(company: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", "--company", "demo", "--name", "Kassa", stdout=out, stderr=err)
    plaintext = out.getvalue().strip()
    assert KEY.match(plaintext) and "not shown again" in err.getvalue()
    assert apikeys.verify(plaintext).key.name == "Kassa"
    prefix = plaintext.split("_")[1]

    out = io.StringIO()
    call_command("apikey", "list", "--company", "1001", stdout=out)
    assert prefix in out.getvalue() and "Kassa" in out.getvalue() and plaintext not in out.getvalue()

    out = io.StringIO()
    call_command("apikey", "revoke", prefix, stdout=out)
    assert f"API key {prefix} of company 1001 revoked" in out.getvalue()
    assert apikeys.verify(plaintext).key is None
    with pytest.raises(CommandError, match="no API key"):
        call_command("apikey", "revoke", "00000000")
    with pytest.raises(CommandError, match="Unknown company"):
        call_command("apikey", "create", "--company", "nobody")

    unlicensed = factories.company(1004, "Plain BV", "plain")
    err = io.StringIO()
    call_command("apikey", "create", "--company", str(unlicensed.number), stdout=io.StringIO(), stderr=err)
    assert "no 'api' licence" in err.getvalue()


def test_the_ledgerlink_command_prints_a_key_that_the_served_api_accepts(tmp_path: Path) -> None:
    """The operator's path from the README, as real processes on a SQLite file."""
    env = service_env(tmp_path)
    for args in (
        ("migrate", "--verbosity", "0"),
        ("company", "create", "--number", "5001", "--name", "Shop", "--alias", "shop"),
        ("licence", "grant", "shop", "api"),
    ):
        done = run_cli(*args, env=env)
        assert done.returncode == 0, done.stderr
    created = run_cli("apikey", "create", "--company", "shop", "--name", "ERP", env=env)
    assert created.returncode == 0, created.stderr
    plaintext = created.stdout.strip()
    assert KEY.match(plaintext) and plaintext not in created.stderr
    listing = run_cli("apikey", "list", env=env)
    assert plaintext.split("_")[1] in listing.stdout and plaintext not in listing.stdout
    assert "apikey" in run_cli("--help", env=env).stdout and "journals" in run_cli("--help", env=env).stdout
    revoked = run_cli("apikey", "revoke", plaintext, env=env)  # the whole key works as well as the prefix
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
