"""The server-side request forgery guard, with production settings (the test settings are production's)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from ledgerlink.core import clock
from ledgerlink.webhooks import actions, guard
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.models import WebhookAttempt
from ledgerlink.webhooks.outbox import emit
from ledgerlink.webhooks.worker import run_deliveries
from tests import factories
from tests.webhooks.conftest import Receiver


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://localhost/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.1.10:8443/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://240.0.0.1/hook", "reserved"),
        ("https://100.64.0.1/hook", "non-public"),
    ],
)
def test_private_and_special_addresses_are_refused_in_production(url: str, kind: str) -> None:
    with pytest.raises(guard.AddressRefused) as refused:
        guard.check(url)
    assert refused.value.message.code == "webhook.address_refused"
    assert refused.value.message.params["kind"] == {"code": f"webhook.kind.{kind.replace('-', '_')}", "params": {}}


def test_only_https_outside_development() -> None:
    with pytest.raises(guard.AddressRefused) as refused:
        guard.check("http://93.184.215.14/hook")
    assert refused.value.message.code == "webhook.https_required"
    assert guard.check("https://93.184.215.14/hook").address == "93.184.215.14"
    with override_settings(DEBUG=True):
        assert guard.check("http://127.0.0.1:9/hook").address == "127.0.0.1"


def test_nonsense_is_no_address() -> None:
    for url in ("ftp://example.com/", "https://", "https://user:pw@example.com/", "https://example.com:99999/"):
        with pytest.raises(guard.AddressRefused) as refused:
            guard.check(url)
        assert refused.value.message.code == "webhook.url_invalid", url


@override_settings(LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE=True)
def test_the_on_premise_setting_allows_private_but_never_link_local() -> None:
    assert guard.check("https://10.1.2.3/hook").address == "10.1.2.3"
    assert guard.check("https://127.0.0.1/hook").address == "127.0.0.1"
    for url in ("https://169.254.169.254/", "https://224.0.0.1/", "https://0.0.0.0/"):
        with pytest.raises(guard.AddressRefused):
            guard.check(url)


def test_every_address_of_a_name_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolves(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolves)
    with pytest.raises(guard.AddressRefused) as refused:
        guard.check("https://erp.example.com/hook")
    assert refused.value.message.params["address"] == "10.0.0.7"


@pytest.mark.django_db
def test_a_private_url_cannot_be_saved_in_production() -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    with pytest.raises(guard.AddressRefused):
        actions.create_endpoint(company, "https://192.168.0.10/hook")
    created = actions.create_endpoint(company, "https://93.184.215.14/hook")
    with pytest.raises(guard.AddressRefused):
        actions.update_endpoint(created.endpoint, url="https://localhost/hook")


@pytest.mark.django_db
def test_a_name_that_turns_private_after_saving_is_refused_at_delivery(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: public when saved, loopback when sent. The request never leaves."""
    company = factories.company(1001, "Demo Retail BV", "demo")
    answers = {"address": "93.184.215.14"}

    def resolves(host: str, port: int, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers["address"], port))]

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolves)
    url = f"http://rebinding.example:{receiver.port}/hook"
    actions.create_endpoint(company, url)  # http is allowed by the receiver fixture; the address is public
    answers["address"] = "127.0.0.1"
    with override_settings(LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE=False), transaction.atomic():
        emit(company, EventType.JOURNAL_POSTED, {"journal": {"reference": "R"}})
    with override_settings(LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE=False):
        run_deliveries(clock.now())
    attempt = WebhookAttempt.objects.get()
    assert attempt.error is not None and attempt.error.code == "webhook.address_refused"
    assert attempt.status_code is None and receiver.received == []


@pytest.mark.django_db
def test_the_request_goes_to_the_address_that_was_checked(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name is resolved once, by the guard; the connection goes to that address, with the name as Host."""
    company = factories.company(1001, "Demo Retail BV", "demo")

    real = socket.getaddrinfo
    asked = []

    def resolves(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        if host == "erp.on-premise.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolves)
    receiver.secret = actions.create_endpoint(company, f"http://erp.on-premise.example:{receiver.port}/hook").secret
    with transaction.atomic():
        emit(company, EventType.JOURNAL_POSTED, {"journal": {"reference": "P"}})
    run_deliveries(clock.now())
    assert [event["type"] for event in receiver.events()] == ["journal.posted"]
    assert receiver.received[0].headers["host"] == f"erp.on-premise.example:{receiver.port}"
    assert asked.count("erp.on-premise.example") == 2  # at save and at delivery, never by the HTTP client
