"""Fixtures for tests that run the service in-process (Django's test client) against the sandbox over real HTTP.

Registered for the whole suite in tests/conftest.py (``pytest_plugins``): ``clocks``, ``sandbox_settings``,
``setup`` (a company, its admin, the app registered at the sandbox) and ``connected`` (connector 1 authorized).

The sandbox's clock is frozen; ``clocks`` moves the service's clock (time-machine) and the sandbox's together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client, override_settings

from exact_sandbox.pytest_plugin import exact_sandbox, exact_sandbox_server  # noqa: F401 - fixtures
from exact_sandbox.testing import SandboxHandle
from ledgerlink.connectors.models import Connector
from tests import factories

CALLBACK = "http://demo.localhost/oauth.ashx?provider=1"


@dataclass
class Clocks:
    sandbox: SandboxHandle
    traveller: time_machine.Coordinates

    def now(self) -> datetime:
        return self.sandbox.now()

    def advance(self, seconds: float) -> None:
        self.sandbox.advance(seconds)
        self.traveller.move_to(self.sandbox.now())


@pytest.fixture
def clocks(exact_sandbox: SandboxHandle) -> Iterator[Clocks]:  # noqa: F811
    with time_machine.travel(exact_sandbox.now(), tick=False) as traveller:
        yield Clocks(exact_sandbox, traveller)


@pytest.fixture
def sandbox_settings(exact_sandbox: SandboxHandle) -> Iterator[None]:  # noqa: F811
    with override_settings(LEDGERLINK_EXACT_SANDBOX_URL=exact_sandbox.base_url):
        yield


@dataclass
class Setup:
    sandbox: SandboxHandle
    client: Client
    app: dict
    company: object
    admin: object

    def add_connector(self, callback: str = CALLBACK, **overrides: object) -> Connector:
        form = {
            "number": 1,
            "name": "Exact Online",
            "region": "sandbox",
            "client_id": self.app["client_id"],
            "client_secret": self.app["client_secret"],
            "callback_url": callback,
            "api_token": "",
        }
        form.update(overrides)
        response = self.client.post("/connectors/new", form)
        assert response.status_code == 302, response.content.decode()[:2000]
        return Connector.objects.get(company=self.company, number=form["number"])

    def clear_api_token(self, connector: Connector) -> Any:
        """Save the connector screen with the API token field emptied: disconnects, oAuth starts over."""
        form = {
            "number": connector.number,
            "name": connector.name,
            "region": connector.region,
            "client_id": self.app["client_id"],
            "client_secret": "",
            "callback_url": connector.callback_url,
            "api_token": "",
            "api_token_shown": "True",
        }
        return self.client.post(f"/connectors/{connector.number}/", form)

    def start(self, number: int = 1) -> str:
        """Press oAuth: returns the state from the redirect to Exact."""
        response = self.client.get(f"/connectors/{number}/authorize")
        assert response.status_code == 302, response.content.decode()[:2000]
        target = urlsplit(response["Location"])
        assert target.path == "/api/oauth2/auth"
        return parse_qs(target.query)["state"][0]

    def callback(self, query: dict[str, str], number: int = 1, client: Client | None = None):  # type: ignore[no-untyped-def]
        return (client or self.client).get(f"/oauth.ashx?provider={number}&{urlencode(query)}")

    def authorize(self, number: int = 1, user: str = "demo@exact.example"):  # type: ignore[no-untyped-def]
        state = self.start(number)
        code = self.sandbox.authorize(self.app["client_id"], user=user, state=state)
        return self.callback({"code": code, "state": state}, number)


@pytest.fixture
def setup(db, exact_sandbox: SandboxHandle, sandbox_settings, clocks) -> Setup:  # type: ignore[no-untyped-def]  # noqa: F811
    company = factories.company(1001, "Demo Retail BV", "demo", licences=("exact_online", "api"))
    admin = factories.user(company, "admin")
    admin.email = "admin@demo.example"
    admin.save()
    app = exact_sandbox.register_app("RetailVista ERP", CALLBACK)
    return Setup(exact_sandbox, factories.signed_in_client(admin), app, company, admin)


@pytest.fixture
def connected(setup: Setup) -> Connector:
    setup.add_connector()
    response = setup.authorize()
    assert response.status_code == 200, response.content.decode()[:2000]
    return Connector.objects.get(company=setup.company, number=1)
