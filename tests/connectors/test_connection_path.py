"""The connection path as the help article's reader walks it, in every order: what the service says and
offers at each step (issue 15). The browser scenarios are in tests/web/test_connection_path_browser.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from ledgerlink.connectors.models import Connector, OAuthState
from tests import factories
from tests.support.exact import CALLBACK

pytestmark = pytest.mark.django_db


# 1. An alias set on the bare domain: the admin continues on the new address, signed in.


def _bare_admin(alias: str | None = None):  # type: ignore[no-untyped-def]
    company = factories.company(1002, "Shop BV", alias, licences=("exact_online",))
    admin = factories.user(company, "shopadmin")
    return company, admin, factories.signed_in_client(admin, on_host="localhost")


def _handoff_target(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.content.decode()[:500]
    target = urlsplit(response["Location"])
    assert target.path == "/login/handoff"
    return target.netloc, parse_qs(target.query)["next"][0]


def test_setting_the_alias_on_the_bare_domain_carries_the_admin_to_the_new_address() -> None:
    company, _admin, client = _bare_admin()
    response = client.post(f"/companies/{company.number}/", {"name": company.name, "alias": "shop"})
    host, next_path = _handoff_target(response)
    assert host == "shop.localhost"
    assert next_path == f"/companies/{company.number}/"
    # The ticket signs the admin in there (as the bare-domain login does).
    follow = Client(HTTP_HOST="shop.localhost").get(response["Location"])
    assert follow.status_code == 302 and follow["Location"] == next_path


def test_a_company_user_on_the_bare_domain_of_an_aliased_company_is_sent_on() -> None:
    _company, _admin, client = _bare_admin(alias="shop")
    host, next_path = _handoff_target(client.get("/connectors/new?x=1"))
    assert host == "shop.localhost" and next_path == "/connectors/new?x=1"


def test_oauth_is_never_started_from_the_bare_domain(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    bare = factories.signed_in_client(setup.admin, on_host="localhost")
    host, next_path = _handoff_target(bare.get("/connectors/1/authorize"))
    assert host == "demo.localhost" and next_path == "/connectors/1/authorize"
    assert not OAuthState.objects.exists()


def test_operators_stay_on_the_bare_domain_when_they_set_an_alias() -> None:
    company = factories.company(1002, "Shop BV", None)
    operator = factories.user(None, "root")
    client = factories.signed_in_client(operator, on_host="localhost")
    response = client.post(f"/companies/{company.number}/", {"name": company.name, "alias": "shop"})
    assert response.status_code == 302 and response["Location"] == f"/companies/{company.number}/"


# 2. A saved Callback URL that cannot come back to this connector blocks oAuth, with the one-line fix.


def test_oauth_is_blocked_while_the_saved_callback_cannot_come_back(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector(callback="http://demo.localhost/oauth.ashx?provider=25")
    page = setup.client.get("/connectors/1/").content.decode()
    assert 'id="oauth-button"' not in page
    assert 'data-testid="oauth-blocked"' in page
    assert "Put http://demo.localhost/oauth.ashx?provider=1 in Callback URL" in page
    refused = setup.client.get("/connectors/1/authorize")
    assert refused.status_code == 400
    assert "provider=1" in refused.content.decode()
    assert not OAuthState.objects.exists()


def test_an_unknown_connector_in_the_callback_links_only_to_pages_that_exist(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    response = setup.callback({"code": "x", "state": "y"}, number=25)
    page = response.content.decode()
    assert response.status_code == 404 and "has no connector 25" in page
    assert "/connectors/25/" not in page
    assert 'href="/connectors/"' in page
    assert setup.client.get("/connectors/").status_code == 200


# 3. The Callback URL follows the Number until the user overrides it.


def test_a_typed_number_takes_the_suggested_callback_with_it(setup) -> None:  # type: ignore[no-untyped-def]
    connector = setup.add_connector(callback=CALLBACK, number=25)
    assert connector.callback_url == "http://demo.localhost/oauth.ashx?provider=25"


def test_a_callback_typed_by_the_user_is_kept(setup) -> None:  # type: ignore[no-untyped-def]
    typed = "https://proxy.example.com/oauth.ashx?provider=25"
    connector = setup.add_connector(callback=typed, number=25)
    assert connector.callback_url == typed


def test_renumbering_before_authorization_moves_the_callback_along(setup) -> None:  # type: ignore[no-untyped-def]
    connector = setup.add_connector()
    form = {
        "number": 3,
        "name": connector.name,
        "region": connector.region,
        "client_id": connector.client_id,
        "client_secret": "",
        "callback_url": connector.callback_url,
        "api_token": "",
    }
    assert setup.client.post("/connectors/1/", form).status_code == 302
    assert Connector.objects.get(pk=connector.pk).callback_url == "http://demo.localhost/oauth.ashx?provider=3"


def test_the_screen_tells_the_browser_how_the_callback_follows_the_number(setup) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/connectors/new").content.decode()
    assert 'data-callback-prefix="http://demo.localhost/oauth.ashx?provider="' in page


# 8. The result page in the same tab offers no "Close this window".


def test_result_page_hides_close_until_it_knows_it_is_a_popup(setup) -> None:  # type: ignore[no-untyped-def]
    setup.add_connector()
    page = setup.callback({"code": "x", "state": "made-up"}).content.decode()
    assert '<button type="button" id="close-window" class="secondary" hidden>' in page
    assert "Close this window" not in page.replace(">Close this window</button>", "")
    css = setup.client.get("/static/ledgerlink/app.css").getvalue().decode()
    assert "[hidden]" in css


# 4. Changing the alias: warned before, shown as needing attention after.


def test_changing_the_alias_warns_what_must_change_before_saving(setup, connected) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.tenancy.models import Company

    response = setup.client.post("/companies/1001/", {"name": "Demo Retail BV", "alias": "demo2"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="alias-warning"' in page
    assert "Connector 1" in page and "http://demo2.localhost/oauth.ashx?provider=1" in page
    assert "http://demo2.localhost/api/v1/" in page
    assert Company.objects.get(number=1001).alias == "demo"  # nothing saved yet

    confirmed = setup.client.post(
        "/companies/1001/", {"name": "Demo Retail BV", "alias": "demo2", "confirm_alias": "demo2"}
    )
    host, _next = _handoff_target(confirmed)
    assert host == "demo2.localhost" and Company.objects.get(number=1001).alias == "demo2"

    moved = factories.signed_in_client(setup.admin, on_host="demo2.localhost")
    listing = moved.get("/connectors/").content.decode()
    assert "Needs attention" in listing
    detail = moved.get("/connectors/1/").content.decode()
    assert "Put http://demo2.localhost/oauth.ashx?provider=1 in Callback URL" in detail


def test_an_alias_without_connectors_is_saved_at_once(setup) -> None:  # type: ignore[no-untyped-def]
    response = setup.client.post("/companies/1001/", {"name": "Demo Retail BV", "alias": "demo2"})
    _handoff_target(response)


# 10. Reconnecting with a login of another administration asks before switching.


def test_reconnecting_to_another_administration_asks_before_switching(setup, connected) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.connectors.choices import Status

    assert connected.division == 7001
    setup.clear_api_token(connected)
    response = setup.authorize(user="filiaal@exact.example")  # Exact login of the branch only (7002)
    page = response.content.decode()
    assert response.status_code == 409 and "Another Exact administration" in page
    assert "not administration 7001 Demo Retail BV" in page and "7002" in page
    assert 'href="/connectors/1/authorize?switch=1"' in page
    connector = Connector.objects.get()
    assert connector.division == 7001 and connector.status != Status.CONNECTED

    started = setup.client.get("/connectors/1/authorize?switch=1")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    code = setup.sandbox.authorize(setup.app["client_id"], user="filiaal@exact.example", state=state)
    assert setup.callback({"code": code, "state": state}).status_code == 200
    connector = Connector.objects.get()
    assert connector.division == 7002 and connector.status == Status.CONNECTED
