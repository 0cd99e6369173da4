"""What the connector screens say about a connector in the shop admin's words, and the one next step for
each refusal (issue 15: 5, 6, 7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail

from ledgerlink.connectors import engine
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.health import REFRESH_TOKEN_LIFETIME, health
from ledgerlink.connectors.models import Connector
from tests import factories

pytestmark = pytest.mark.django_db
DAY = 86400


def token_calls(sandbox) -> int:  # type: ignore[no-untyped-def]
    tokens = sandbox.state()["tokens"]
    return tokens["issued"] + tokens["refreshed"] + sum(tokens["rejected"].values())


def visible(html: str) -> str:
    """The page without the technical details toggle and the audit trail (history, not the current state):
    what a shop admin reads first."""
    html = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    return re.sub(r'<table aria-label="Audit trail">.*?</table>', "", html, flags=re.S)


# 5. Each refusal of Exact names its own next step.


def test_exact_no_longer_knowing_the_app_says_copy_the_app_again(  # type: ignore[no-untyped-def]
    setup, connected, clocks, django_capture_on_commit_callbacks
) -> None:
    setup.sandbox.reset(clock=clocks.now())  # a restarted sandbox, or an app deleted at Exact
    clocks.advance(600)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(engine.ReauthorizationRequired):
        engine.access_token(connected.pk)
    connector = Connector.objects.get()
    assert connector.status == Status.REAUTH_REQUIRED
    assert connector.status_reason.code == "connector.refresh_client_refused"
    page = setup.client.get("/connectors/1/").content.decode()
    assert "Copy the Client ID and Client secret again from the app in Exact" in page
    assert "clear the api token" not in visible(page).lower()
    assert len(mail.outbox) == 1
    assert "Copy the Client ID and Client secret again" in mail.outbox[0].body
    assert "clear the API token" not in mail.outbox[0].body


def test_an_expired_refresh_token_still_says_clear_save_oauth(  # type: ignore[no-untyped-def]
    setup, connected, clocks, django_capture_on_commit_callbacks
) -> None:
    clocks.advance(45 * DAY)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(engine.ReauthorizationRequired):
        engine.access_token(connected.pk)
    page = factories.signed_in_client(setup.admin).get("/connectors/1/").content.decode()
    assert "Clear the API token, press Save, then press oAuth" in page
    assert "30 days without contact" in visible(page) and "12/30/" not in visible(page)  # Exact's US dates
    assert "Clear the API token, press Save, then press oAuth" in mail.outbox[0].body


# 6. What the stored token dates imply, without calling Exact.


def test_thirty_silent_days_show_as_expired_without_calling_exact(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    calls = token_calls(setup.sandbox)
    clocks.advance(31 * DAY)
    client = factories.signed_in_client(setup.admin)  # a month later: a new session
    listing = client.get("/connectors/").content.decode()
    detail = client.get("/connectors/1/").content.decode()
    for page in (listing, detail):
        assert "Reauthorization required" in page
        assert ">Connected<" not in page
    assert "No contact with Exact Online for 30 days" in detail
    assert "Clear the API token, press Save, then press oAuth" in detail
    assert token_calls(setup.sandbox) == calls
    assert Connector.objects.get().status == Status.CONNECTED  # only a call to Exact changes what is stored


def test_days_left_are_shown_before_the_expiry(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(25 * DAY)
    client = factories.signed_in_client(setup.admin)
    assert "expires in 5 days" in client.get("/connectors/").content.decode()
    assert "expires in 5 days" in client.get("/connectors/1/").content.decode()


def test_health_is_a_pure_reading_of_the_dates(connected) -> None:  # type: ignore[no-untyped-def]
    issued = connected.tokens_issued_at
    assert health(connected, issued + timedelta(days=1)).days_left == 29
    assert health(connected, issued + REFRESH_TOKEN_LIFETIME).expired
    assert health(connected, issued + REFRESH_TOKEN_LIFETIME).status_label == "Reauthorization required"
    assert not health(connected, issued + timedelta(days=29, hours=23)).expired


# 7. The shop admin's words: internals behind a toggle, each thing said once.


def test_budgets_and_internals_sit_behind_the_details_toggle(setup, connected) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/connectors/1/").content.decode()
    shown = visible(page)
    for internal in ("Token calls today", "Errors this hour", "Refreshes", "Access token expires", "Tokens issued"):
        assert internal in page and internal not in shown, internal
    assert "<summary>Technical details</summary>" in page


def test_the_reason_is_said_once(setup, connected, clocks, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(45 * DAY)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(engine.ReauthorizationRequired):
        engine.access_token(connected.pk)
    reason = Connector.objects.get().status_reason.text()
    shown = visible(factories.signed_in_client(setup.admin).get("/connectors/1/").content.decode())
    assert shown.count(reason) == 1
