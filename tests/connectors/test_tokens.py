"""The token engine against the sandbox: refresh in the window, rotation, expiry, keep-alive, budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from ledgerlink.connectors import engine
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.events import events_of
from ledgerlink.connectors.models import Connector
from ledgerlink.connectors.worker import keep_alive_all
from ledgerlink.core import clock, crypto
from ledgerlink.core.worker import run_once

pytestmark = pytest.mark.django_db
DAY = 86400


def token_calls(sandbox) -> int:  # type: ignore[no-untyped-def]
    """Every call that reached the sandbox's token endpoint, by its own count."""
    tokens = sandbox.state()["tokens"]
    return tokens["issued"] + tokens["refreshed"] + sum(tokens["rejected"].values())


def test_uses_the_stored_token_until_the_window(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    first = engine.access_token(connected.pk)
    clocks.advance(600 - 26)
    assert engine.access_token(connected.pk) == first
    assert Connector.objects.get().refresh_count == 0


def test_refreshes_in_the_last_30_seconds_and_rotates(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    old_access = engine.access_token(connected.pk)
    old_refresh = crypto.unseal(Connector.objects.get().refresh_token_sealed)
    clocks.advance(600 - 20)
    new_access = engine.access_token(connected.pk)
    connector = Connector.objects.get()
    assert new_access != old_access
    assert crypto.unseal(connector.refresh_token_sealed) != old_refresh
    assert connector.refresh_count == 1 and connector.status == Status.CONNECTED
    assert events_of(connector).filter(action="connector.refreshed").count() == 1
    assert engine.access_token(connected.pk) == new_access  # no second refresh


def test_expired_access_token_refreshes(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(3600)
    token = engine.access_token(connected.pk)
    assert token and Connector.objects.get().refresh_count == 1


def test_old_refresh_token_means_reauthorization_with_exacts_reason(  # type: ignore[no-untyped-def]
    setup, connected, clocks, django_capture_on_commit_callbacks
) -> None:
    stale = Connector.objects.get().refresh_token_sealed
    clocks.advance(600)
    engine.access_token(connected.pk)
    # Put the rotated-out token back, as a restored backup would.
    Connector.objects.filter(pk=connected.pk).update(refresh_token_sealed=stale)
    clocks.advance(600)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(engine.ReauthorizationRequired, match="Old refresh token used"),
    ):
        engine.access_token(connected.pk)
    connector = Connector.objects.get()
    assert connector.status == Status.REAUTH_REQUIRED and "Old refresh token used" in connector.status_reason.text()
    assert not connector.refresh_token_sealed
    assert len(mail.outbox) == 1 and "admin@demo.example" in mail.outbox[0].to
    assert "Clear the API token" in mail.outbox[0].body
    page = setup.client.get("/connectors/1/").content.decode()
    assert "Reauthorization required" in page and "Old refresh token used" in page
    # Once marked, it stays marked without calling Exact again.
    calls = token_calls(setup.sandbox)
    with pytest.raises(engine.NotConnected):
        engine.access_token(connected.pk)
    assert token_calls(setup.sandbox) == calls


def test_refresh_token_unused_for_30_days_expires_without_worker(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(45 * DAY)
    with pytest.raises(engine.ReauthorizationRequired, match="refresh token expired"):
        engine.access_token(connected.pk)
    assert Connector.objects.get().status == Status.REAUTH_REQUIRED


def test_keep_alive_keeps_a_connector_for_45_days(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    for _ in range(45 * 4):  # the worker running, a round every 6 hours
        clocks.advance(6 * 3600)
        run_once(clock.now())
    connector = Connector.objects.get()
    assert connector.status == Status.CONNECTED
    assert 40 <= connector.refresh_count <= 46  # once a day, not every round
    assert engine.access_token(connected.pk)


def test_keep_alive_leaves_young_tokens_alone(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(3600)
    assert keep_alive_all(clock.now()) == {"refreshed": 0, "waiting": 0, "reauthorize": 0}
    clocks.advance(24 * 3600)
    assert keep_alive_all(clock.now())["refreshed"] == 1


def test_a_claim_left_by_a_dead_process_is_waited_for_then_its_stored_token_tried_once(
    setup, connected, clocks
) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.connectors.decision import CLAIM_MAX_AGE

    # A process on another machine claimed the refresh and was never heard of again.
    clocks.advance(600)
    Connector.objects.filter(pk=connected.pk).update(
        refresh_claim="dead-process", refresh_claimed_at=clock.now(), refresh_claimed_by="elsewhere:1:123"
    )
    calls = token_calls(setup.sandbox)
    with pytest.raises(engine.TokenUnavailable) as waiting:
        engine.access_token(connected.pk, wait=0)
    assert waiting.value.message.code == "connector.other_refreshing"
    assert token_calls(setup.sandbox) == calls  # nothing sent while the claim may be alive
    clocks.traveller.shift(CLAIM_MAX_AGE)  # our clock only: the stored token is still Exact's current one
    assert engine.access_token(connected.pk)  # the claim is abandoned; its stored refresh token still works
    connector = Connector.objects.get()
    assert connector.status == Status.CONNECTED and connector.refresh_claim == ""


def test_a_claim_of_a_dead_process_of_this_machine_is_abandoned_at_once(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    from ledgerlink.core import process

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = process.identity().rsplit(":", 1)[0] + f":{child.pid}"
    assert process.alive(dead) is False and process.alive(process.identity()) is True
    clocks.advance(600)
    Connector.objects.filter(pk=connected.pk).update(
        refresh_claim="dead-process", refresh_claimed_at=clock.now(), refresh_claimed_by=dead
    )
    assert engine.access_token(connected.pk)
    assert Connector.objects.get().refresh_count == 1


def test_network_failure_keeps_tokens_and_backs_off(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    clocks.advance(600)
    # A 503 may come after the token endpoint did its work: asked once more, then backed off.
    setup.sandbox.add_fault("status", path="/api/oauth2/token", status=503, count=2)
    with pytest.raises(engine.TokenUnavailable, match="refresh failed") as raised:
        engine.access_token(connected.pk)
    connector = Connector.objects.get()
    assert connector.status == Status.CONNECTED and connector.refresh_token_sealed
    assert raised.value.retry_at == clock.now() + timedelta(seconds=30)
    with pytest.raises(engine.TokenUnavailable, match="last refresh failed"):
        engine.access_token(connected.pk)
    clocks.advance(31)
    assert engine.access_token(connected.pk)
    assert Connector.objects.get().refresh_failures == 0


def test_exact_says_too_early_means_wait(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    # Our clock runs 100 s ahead of Exact's: we think the window is open, Exact does not.
    clocks.traveller.shift(timedelta(seconds=600))
    setup.sandbox.advance(500)
    with pytest.raises(engine.TokenUnavailable, match="too early"):
        engine.access_token(connected.pk)
    assert Connector.objects.get().status == Status.CONNECTED


@override_settings(LEDGERLINK_EXACT_TOKEN_CALLS_PER_DAY=3)
def test_token_call_budget_stops_short(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):  # the code exchange was call 1
        clocks.advance(600)
        engine.access_token(connected.pk)
    clocks.advance(600)
    with pytest.raises(engine.TokenUnavailable, match="3 token calls today"):
        engine.access_token(connected.pk)
    assert "3 / 3" in setup.client.get("/connectors/1/status").content.decode()


@override_settings(LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR=2)
def test_error_budget_stops_calls_to_an_endpoint(setup, connected) -> None:  # type: ignore[no-untyped-def]
    from exactlink.errors import EndpointBlocked, NotFound
    from ledgerlink.connectors.exact import client_for

    client = client_for(connected, engine.ConnectorTokens(connected.pk))
    accounts = client.division(7001).gl_accounts
    for _ in range(2):
        with pytest.raises(NotFound):
            accounts.get("00000000-0000-0000-0000-000000000001")
    with pytest.raises(EndpointBlocked, match="error budget"):
        accounts.get("00000000-0000-0000-0000-000000000001")
    assert "financial/GLAccounts: 2 / 2" in setup.client.get("/connectors/1/status").content.decode()


def test_a_401_before_the_window_waits_for_it_and_never_refreshes_early(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.connectors.exact import client_for

    # Exact answers 401 once for a token it still accepts (the campaign's stray 401).
    setup.sandbox.add_fault("status", path="current/Me", status=401)
    client = client_for(connected, engine.ConnectorTokens(connected.pk))
    calls = token_calls(setup.sandbox)
    with pytest.raises(engine.TokenUnavailable) as waiting:
        client.me()
    assert waiting.value.message.code == "connector.access_refused_early"
    assert waiting.value.retry_at == clock.now() + timedelta(seconds=575)
    connector = Connector.objects.get()
    assert connector.early_rejections == 1 and connector.last_error.code == "connector.access_refused_early"
    assert token_calls(setup.sandbox) == calls  # no refresh Exact would refuse as too early
    status = setup.client.get("/connectors/1/status").content.decode()
    assert "Access token refused before its refresh window" in status and "Exact refused the access token" in status
    clocks.advance(580)  # the window is open: one refresh, and on we go
    assert client.me()["CurrentDivision"] == 7001
    connector = Connector.objects.get()
    assert connector.refresh_count == 1 and connector.access_refused_at is None
    assert setup.sandbox.state()["tokens"]["rejected"] == {}


def test_a_401_for_a_token_another_process_replaced_uses_the_new_one(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from ledgerlink.connectors.exact import client_for

    old = engine.access_token(connected.pk)
    clocks.advance(590)
    new = engine.access_token(connected.pk)  # "another process" refreshed: the old access token is dead
    assert new != old

    class Stale(engine.ConnectorTokens):
        handed = False

        def access_token(self) -> str:
            if not self.handed:
                self.handed = True
                return old
            return super().access_token()

    assert client_for(connected, Stale(connected.pk)).me()["CurrentDivision"] == 7001
    connector = Connector.objects.get()
    assert connector.early_rejections == 0 and connector.refresh_count == 1
