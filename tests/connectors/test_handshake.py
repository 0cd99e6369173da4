"""The oAuth handshake over HTTP against the sandbox, and every way it can fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.events import events_of
from ledgerlink.connectors.models import Connector, OAuthState
from ledgerlink.core import crypto
from tests import factories

pytestmark = pytest.mark.django_db


def test_add_screen_suggests_number_and_callback(setup) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/connectors/new").content.decode()
    assert 'value="1"' in page
    assert "http://demo.localhost/oauth.ashx?provider=1" in page
    assert "Copy Callback URL" in page


def test_handshake_connects_and_pins_the_current_division(setup) -> None:  # type: ignore[no-untyped-def]
    connector = setup.add_connector()
    assert connector.status == Status.NOT_AUTHORIZED
    assert setup.app["client_secret"] not in setup.client.get("/connectors/1/").content.decode()
    response = setup.authorize()
    text = response.content.decode()
    assert response.status_code == 200 and "Connected to Exact Online" in text and "7001" in text
    assert "ledgerlink:oauth" in setup.client.get("/static/ledgerlink/oauth_result.js").getvalue().decode()
    connector.refresh_from_db()
    assert connector.status == Status.CONNECTED
    assert connector.division == 7001 and connector.division_name == "Demo Retail BV"
    assert [code for code, _ in connector.divisions] == [7001, 7002]
    assert crypto.unseal(connector.api_token_sealed)  # the code, kept as the API token
    kinds = list(events_of(connector).order_by("id").values_list("action", flat=True))
    assert kinds == ["connector.created", "connector.authorize_started", "connector.authorized"]
    # Secrets are sealed at rest and never in the audit trail.
    assert setup.app["client_secret"] not in connector.client_secret_sealed
    for event in events_of(connector):
        assert setup.app["client_secret"] not in str(event.message.to_json())
        assert crypto.unseal(connector.refresh_token_sealed) not in str(event.message.to_json())
    page = setup.client.get("/connectors/1/").content.decode()
    assert "Connected" in page and "7001 Demo Retail BV" in page
    assert crypto.unseal(connector.access_token_sealed) not in page
    assert crypto.unseal(connector.api_token_sealed) not in page


def test_state_is_single_use(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    assert setup.callback({"code": code, "state": state}).status_code == 200
    again = setup.callback({"code": code, "state": state})
    assert again.status_code == 400 and "Authorization already used" in again.content.decode()


def test_unknown_state(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    response = setup.callback({"code": "x", "state": "made-up"})
    assert response.status_code == 400 and "does not belong to an authorization we started" in response.content.decode()


def test_state_expires_after_ten_minutes(setup, clocks) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    clocks.traveller.shift(timedelta(minutes=10, seconds=1))
    response = setup.callback({"code": code, "state": state})
    assert response.status_code == 400 and "More than 10 minutes" in response.content.decode()


def test_state_from_another_session_is_useless(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    other = factories.signed_in_client(factories.user(setup.company, "second", role="admin"))
    response = setup.callback({"code": code, "state": state}, client=other)
    assert response.status_code == 403 and "another browser session" in response.content.decode()
    assert Connector.objects.get().status == Status.NOT_AUTHORIZED


def test_cancel_at_exact(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    response = setup.callback({"error": "access_denied", "state": state})
    assert response.status_code == 400 and "Authorization cancelled" in response.content.decode()
    connector = Connector.objects.get()
    assert connector.status == Status.NOT_AUTHORIZED
    assert any(
        e.message.params.get("error") == "access_denied" for e in events_of(connector).filter(action="connector.failed")
    )


def test_wrong_client_secret(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector(client_secret="not-the-secret")
    response = setup.authorize()
    text = response.content.decode()
    assert response.status_code == 400 and "Client ID or secret refused" in text and "App Center" in text
    assert Connector.objects.get().status == Status.NOT_AUTHORIZED


def test_code_expired(setup, clocks) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    clocks.advance(181)  # Exact's codes live 3 minutes
    response = setup.callback({"code": code, "state": state})
    assert response.status_code == 400 and "Code expired or used" in response.content.decode()


def test_a_refused_code_does_not_replace_the_stored_api_token(setup, connected) -> None:  # type: ignore[no-untyped-def]
    token_before = crypto.unseal(connected.api_token_sealed)
    state = setup.start()
    response = setup.callback({"code": "g" * 3500, "state": state})
    assert response.status_code == 400 and "Code expired or used" in response.content.decode()
    connected.refresh_from_db()
    assert crypto.unseal(connected.api_token_sealed) == token_before
    assert connected.status == Status.CONNECTED
    # A code that Exact accepts does replace it.
    setup.authorize()
    connected.refresh_from_db()
    assert crypto.unseal(connected.api_token_sealed) not in ("", token_before)


def test_network_failure_during_exchange(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    setup.sandbox.add_fault("status", path="/api/oauth2/token", status=503)
    response = setup.callback({"code": code, "state": state})
    assert response.status_code == 502 and "Exact Online" in response.content.decode()


def test_wrong_host_and_unknown_connector(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    bare = Client(HTTP_HOST="localhost").get("/oauth.ashx?provider=1&code=x&state=y")
    assert bare.status_code == 400 and "belongs to no company" in bare.content.decode()
    unknown = setup.callback({"code": "x", "state": "y"}, number=7)
    assert unknown.status_code == 404 and "has no connector 7" in unknown.content.decode()


def test_company_b_cannot_complete_or_read_company_a_connector(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    state = setup.start()
    code = setup.sandbox.authorize(setup.app["client_id"], state=state)
    other = factories.company(1002, "Other BV", "other", licences=("exact_online",))
    other_admin = factories.signed_in_client(factories.user(other, "admin"))
    response = other_admin.get(f"/oauth.ashx?provider=1&code={code}&state={state}")
    assert response.status_code == 404  # company B has no connector 1
    assert other_admin.get("/connectors/1/").status_code == 404
    assert other_admin.get("/connectors/1/status").status_code == 404
    assert setup.callback({"code": code, "state": state}).status_code == 200  # still usable by its owner
    assert OAuthState.objects.get().used_at is not None


def test_callback_mismatch_is_shown_before_trying(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector(callback="http://testbedrijf.localhost/oauth.ashx?provider=1")
    page = setup.client.get("/connectors/1/").content.decode()
    assert 'data-testid="callback-mismatch"' in page
    assert "http://<mark>testbedrijf.localhost" in page and "http://<mark>demo.localhost" in page


def test_non_https_callback_outside_localhost_is_flagged(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector(callback="http://demo.example.com/oauth.ashx?provider=1")
    page = setup.client.get("/connectors/1/").content.decode()
    assert "Exact accepts only https callback addresses" in page
    response = setup.client.get("/connectors/1/authorize")
    assert response.status_code == 400 and "https" in response.content.decode()


def test_clearing_the_api_token_disconnects_and_oauth_starts_over(setup, connected) -> None:  # type: ignore[no-untyped-def]
    assert setup.clear_api_token(connected).status_code == 302
    connector = Connector.objects.get()
    assert connector.status == Status.NOT_AUTHORIZED and not connector.refresh_token_sealed
    assert connector.has_client_secret  # empty secret field keeps the stored secret
    assert setup.authorize().status_code == 200
    connector.refresh_from_db()
    assert connector.status == Status.CONNECTED
    assert events_of(connector).filter(action="connector.reauthorized").exists()
    assert events_of(connector).filter(action="connector.disconnected").exists()


def test_number_is_fixed_after_first_authorization(setup, connected) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/connectors/1/").content.decode()
    assert "Fixed after the first authorization" in page


def test_api_token_field_only_accepts_clearing(setup, connected) -> None:  # type: ignore[no-untyped-def]
    form = {
        "number": 1,
        "name": "Exact Online",
        "region": "sandbox",
        "client_id": setup.app["client_id"],
        "client_secret": "",
        "callback_url": connected.callback_url,
        "api_token": "typed-by-hand",
    }
    response = setup.client.post("/connectors/1/", form)
    assert "set by the oAuth button" in response.content.decode()
    assert Connector.objects.get().status == Status.CONNECTED


def test_licence_and_alias_are_required(db) -> None:  # type: ignore[no-untyped-def]
    company = factories.company(1005, "No Licence", "nolicence")
    client = factories.signed_in_client(factories.user(company, "admin"))
    page = client.get("/connectors/").content.decode()
    assert "no Exact Online licence" in page and "/companies/1005/" in page
    assert client.get("/connectors/new").status_code == 403
    no_alias = factories.company(1006, "No Alias", None, licences=("exact_online",))
    client = factories.signed_in_client(factories.user(no_alias, "admin"), on_host="localhost")
    page = client.get("/connectors/").content.decode()
    assert "needs the company to have an alias" in page
    assert mail.outbox == []


def test_choose_another_division(setup, connected) -> None:  # type: ignore[no-untyped-def]
    assert setup.client.post("/connectors/1/division", {"division": 7002}).status_code == 302
    connector = Connector.objects.get()
    assert (connector.division, connector.division_name) == (7002, "Demo Retail Filiaal")
    setup.client.post("/connectors/1/division", {"division": 9999})
    assert Connector.objects.get().division == 7002


def test_test_connection(setup, connected) -> None:  # type: ignore[no-untyped-def]
    response = setup.client.post("/connectors/1/test", follow=True)
    assert "Connected as" in response.content.decode()
    assert events_of(Connector.objects.get()).filter(action="connector.tested").exists()


def test_saving_a_screen_opened_before_the_authorization_does_not_disconnect(setup, connected) -> None:  # type: ignore[no-untyped-def]
    # Another tab, opened before oAuth, shows no API token: saving it keeps the connection.
    form = {
        "number": 1,
        "name": "Renamed",
        "region": "sandbox",
        "client_id": setup.app["client_id"],
        "client_secret": "",
        "callback_url": connected.callback_url,
        "api_token": "",
    }
    assert setup.client.post("/connectors/1/", form).status_code == 302
    connector = Connector.objects.get()
    assert connector.status == Status.CONNECTED and connector.name == "Renamed"
