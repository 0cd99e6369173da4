"""Serving the sandbox: Werkzeug's threaded server, in the foreground (CLI) or a background thread."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SandboxApp
from .backend import Backend

logger = logging.getLogger(__name__)


class SandboxRequestHandler(WSGIRequestHandler):
    """Logs requests through `logging` at DEBUG instead of printing a line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("%s %s -> %s", self.command, self.path, code)

    def connection_dropped(self, error: BaseException, environ: object = None) -> None:
        """An injected drop (faults.DropConnection) or a client that went away: end the connection
        without writing a byte, instead of waiting for a next keep-alive request."""
        self.close_connection = True

    def log(self, type: str, message: str, *args: object) -> None:
        if type == "error":
            logger.error(message, *args)
        else:
            logger.debug(message, *args)


def build_server(
    app: SandboxApp,
    host: str = "127.0.0.1",
    port: int = 8001,
    request_handler: type[WSGIRequestHandler] = SandboxRequestHandler,
) -> BaseWSGIServer:
    server = make_server(host, port, app, threaded=True, request_handler=request_handler)
    server.daemon_threads = True  # type: ignore[attr-defined]
    return server


class BackgroundSandbox:
    """The sandbox served from a daemon thread on a loopback port (port 0 picks a free one).

    Use as a context manager or call start()/stop(). `base_url` is known once started.
    """

    def __init__(self, backend: Backend | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = SandboxApp(backend)
        self.backend = self.app.backend
        self._server = build_server(self.app, host, port)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> BackgroundSandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"exact-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundSandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
