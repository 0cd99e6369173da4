"""A webhook receiver for the tests: a real HTTP server on 127.0.0.1 that keeps every request, and can go down."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.conftest import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: dict[str, Any] | None  # the event, when its signature held at arrival; None when it did not

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    port: int
    secret: str = ""  # the endpoint's: every request is verified on arrival, as a receiver does
    status: int = 204
    answer: bytes = b""
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/ledgerlink"

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                headers = {k.lower(): v for k, v in self.headers.items()}
                body = self.rfile.read(length)
                try:
                    verified = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    verified = None
                receiver.received.append(Received(headers, body, verified))
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def events(self) -> list[dict[str, Any]]:
        """Every request's event; each was checked on arrival with the Standard Webhooks package."""
        assert all(item.verified is not None for item in self.received), "a request failed signature verification"
        return [item.verified for item in self.received if item.verified is not None]

    def ids(self) -> list[str]:
        return [item.headers["webhook-id"] for item in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(free_port(), secret="whsec_" + "A" * 44)
    found.up()
    with override_settings(LEDGERLINK_WEBHOOKS_ALLOW_HTTP=True, LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE=True):
        yield found
    found.down()
