"""One connection pool and TLS context per process, lent to every connector's clients (issue 13)."""

from __future__ import annotations

import pytest

from ledgerlink.connectors import engine, exact
from ledgerlink.connectors.models import Connector
from ledgerlink.core import metrics

pytestmark = pytest.mark.django_db


def pool_of(transport: object) -> object:
    assert isinstance(transport, metrics.CountingTransport)
    return transport.inner


def test_every_client_of_every_kind_borrows_the_one_pool(connected) -> None:  # type: ignore[no-untyped-def]
    connector = Connector.objects.get(pk=connected.pk)
    api = exact.config_for(connector, timeout=30)
    token = exact.config_for(connector, timeout=exact.TOKEN_TIMEOUT)
    assert pool_of(api.transport) is pool_of(token.transport) is exact.shared_transport()


def test_a_closed_client_leaves_the_pool_working(connected, clocks) -> None:  # type: ignore[no-untyped-def]
    connector = Connector.objects.get(pk=connected.pk)
    exact.oauth_for(connector).close()
    exact.client_for(connector, engine.ConnectorTokens(connector.pk)).close()
    clocks.advance(3600)  # the access token expired: the next call refreshes through the same pool
    assert engine.access_token(connected.pk)
    assert Connector.objects.get().refresh_count == 1


def test_a_forked_process_builds_its_own_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = exact.shared_transport()
    monkeypatch.setattr(exact.os, "getpid", lambda: parent.pid + 1)
    child = exact.shared_transport()
    assert child is not parent and child.pid == parent.pid + 1
    assert exact.shared_transport() is child
