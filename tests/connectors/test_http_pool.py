"""One TLS context per process and a kept connection per calling thread, lent to every connector's clients
(issue 13)."""

from __future__ import annotations

import http.server
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
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


class _Counting(http.server.BaseHTTPRequestHandler):
    """One instance per connection: counts connections, and answers each request when all are in flight."""

    protocol_version = "HTTP/1.1"  # keep-alive
    connections = 0
    barrier: threading.Barrier

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_GET(self) -> None:
        self.barrier.wait(timeout=10)  # every sender's request is in flight at once
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def test_every_sender_keeps_its_connection_between_calls() -> None:
    """As many senders as post at once each keep their connection alive: one pool kept 20 before, so 44 of a
    64-sender worker's calls opened (and the sandbox accepted) a new connection each time."""
    senders = 40
    _Counting.connections, _Counting.barrier = 0, threading.Barrier(senders)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        with httpx.Client(transport=exact.shared_transport(), timeout=10) as http_client:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            with ThreadPoolExecutor(senders) as pool:
                for _round in range(2):
                    assert list(pool.map(lambda _: http_client.get(url).status_code, range(senders))) == [200] * senders
        assert _Counting.connections == senders
    finally:
        server.shutdown()
        server.server_close()


def test_threads_share_the_tls_context_and_an_ended_threads_pool_is_closed() -> None:
    shared = exact.SharedTransport()
    _Counting.connections, _Counting.barrier = 0, threading.Barrier(1)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        made: list[httpx.HTTPTransport] = []

        def call() -> None:
            made.append(shared.pool())
            with httpx.Client(transport=shared, timeout=10) as client:
                assert client.get(url).status_code == 200

        thread = threading.Thread(target=call)
        thread.start()
        thread.join()
        theirs = made[0]._pool.connections  # type: ignore[attr-defined]
        assert len(theirs) == 1 and not theirs[0].is_closed()  # kept alive after the call
        mine = shared.pool()  # made after the other thread ended: its pool is closed and dropped
        assert mine is not made[0] and shared.pool() is mine and shared.pools() == 1
        assert theirs[0].is_closed()
        ssl_contexts = {pool._pool._ssl_context for pool in (made[0], mine)}  # type: ignore[attr-defined]
        assert ssl_contexts == {shared.ssl_context}
    finally:
        server.shutdown()
        server.server_close()
