"""Serving the sandbox: Werkzeug's threaded server with keep-alive, in the foreground (CLI) or a thread.

Every connection gets its own thread, so calls that wait (latency, `timeout` faults) wait side by
side. Unlike Werkzeug's own handler, which closes the connection after every answer, this one keeps
HTTP/1.1 connections open as Exact does: it reads each request's whole body before calling the app,
so nothing of a request is left on the socket to be mistaken for the next one.
"""

from __future__ import annotations

import io
import logging
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

from .app import SandboxApp
from .backend import Backend
from .faults import DropConnection

logger = logging.getLogger(__name__)

MAX_BODY = 10 * 1024 * 1024


class SandboxRequestHandler(WSGIRequestHandler):
    """One connection: HTTP/1.1 keep-alive, requests logged at DEBUG.

    Nagle's algorithm is off: headers and body are separate writes, and with Nagle the body would wait
    for the client's delayed ACK (up to 40 ms) on every keep-alive answer.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120  # an idle keep-alive connection is closed after this many seconds

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        body = self._read_body(environ)
        if body is None:
            self.send_error(413, "Request body too large")
            self.close_connection = True
            return
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        answer: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return lambda data: None  # the app returns its body; no app of ours writes directly

        try:
            result = self.server.app(environ, start_response)
            try:
                payload = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except DropConnection as exc:
            self.connection_dropped(exc, environ)
            return
        except Exception:
            logger.exception("sandbox error on %s %s", self.command, self.path)
            self.send_error(500, "Internal sandbox error")
            self.close_connection = True
            return
        status, headers = answer
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        head = self.command == "HEAD"
        for name, value in headers:
            if name.lower() in ("connection", "transfer-encoding") or (name.lower() == "content-length" and not head):
                continue
            self.send_header(name, value)
        if not head and int(code) not in (204, 304) and not 100 <= int(code) < 200:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if not head and payload:
            self.wfile.write(payload)
        self.wfile.flush()

    def _read_body(self, environ: dict[str, Any]) -> bytes | None:
        stream = environ["wsgi.input"]
        if environ.get("wsgi.input_terminated"):  # chunked: Werkzeug's DechunkedInput ends at the last chunk
            body = stream.read(MAX_BODY + 1)
            return None if len(body) > MAX_BODY else body
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return None
        return stream.read(length) if length > 0 else b""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("%s %s -> %s", self.command, self.path, code)

    def connection_dropped(self, error: BaseException, environ: object = None) -> None:
        """An injected drop (faults.DropConnection) or a client that went away: end the connection
        without writing a byte, instead of waiting for a next keep-alive request."""
        self.close_connection = True

    def log(self, type: str, message: str, *args: object) -> None:
        # An idle keep-alive connection closed after ``timeout`` is how such a connection ends, not an error.
        if type == "error" and not message.startswith("Request timed out"):
            logger.error(message, *args)
        else:
            logger.debug(message, *args)


def build_server(
    app: WSGIApplication,
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
