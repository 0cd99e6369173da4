"""Starting the sandbox: `python -m exact_sandbox`, `cli.main`, and the background server helper."""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import sys

import httpx

from exact_sandbox.app import create_app
from exact_sandbox.cli import parser
from exact_sandbox.server import BackgroundSandbox, SandboxRequestHandler


def test_python_dash_m_serves_and_announces_readiness() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exact_sandbox",
            "--port",
            "0",
            "--frozen-clock",
            "2026-03-10T10:00:00Z",
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, line
        base = match.group(1)
        assert httpx.get(f"{base}/appcenter", timeout=5).status_code == 200
        assert httpx.get(f"{base}/_sandbox/clock", timeout=5).json()["now"] == "2026-03-10T10:00:00+00:00"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_defaults() -> None:
    args = parser().parse_args([])
    assert (args.host, args.port, args.frozen_clock) == ("127.0.0.1", 8001, None)
    assert parser().parse_args(["--host", "0.0.0.0", "--port", "9001"]).port == 9001


def test_background_server_and_root_redirect() -> None:
    with BackgroundSandbox() as sandbox:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sandbox.base_url)
        answer = httpx.get(f"{sandbox.base_url}/", timeout=5)
        assert answer.status_code == 302 and answer.headers["location"].endswith("/appcenter")
        assert httpx.get(f"{sandbox.base_url}/nope", timeout=5).status_code == 404
        api = httpx.get(f"{sandbox.base_url}/api/v2/x", timeout=5)
        assert api.status_code == 404 and "error" in api.json()


def test_wsgi_app_mounts_in_process_with_httpx() -> None:
    app = create_app()
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://sandbox.test") as client:
        assert client.get("/_sandbox/state").json()["divisions"][0]["code"] == 7001
        token = client.post("/api/oauth2/token", data={"grant_type": "refresh_token"})
        assert token.status_code == 400 and token.json() == {"error": "invalid_client"}


def _answer(sock: socket.socket) -> tuple[int, bytes]:
    """Read one HTTP answer (headers, then Content-Length bytes) from a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        body += sock.recv(4096)
    return int(head.split()[1]), body


def test_connections_are_kept_alive_and_unread_bodies_never_leak_into_the_next_request() -> None:
    """Exact keeps HTTP/1.1 connections open; so does the sandbox. A refused POST whose body the app never
    read (401 before parsing) must not leave bytes behind that would be taken for the next request."""
    with BackgroundSandbox() as sandbox, socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        body = b'{"JournalCode": "90", "padding": "' + b"x" * 5000 + b'"}'
        sock.sendall(
            b"POST /api/v1/7001/generaljournalentry/GeneralJournalEntries HTTP/1.1\r\nHost: sandbox\r\n"
            b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        assert _answer(sock)[0] == 401
        for _ in range(2):
            sock.sendall(b"GET /_sandbox/clock HTTP/1.1\r\nHost: sandbox\r\n\r\n")
            status, answer = _answer(sock)
            assert status == 200 and b'"now"' in answer


def test_an_idle_connection_closed_after_its_timeout_is_not_logged_as_an_error(caplog) -> None:  # type: ignore[no-untyped-def]
    """Clients that keep connections alive (the worker's senders) leave some idle past the server's timeout: that
    is how such a connection ends. Other errors are still errors."""
    handler = SandboxRequestHandler.__new__(SandboxRequestHandler)
    with caplog.at_level(logging.DEBUG, logger="exact_sandbox.server"):
        handler.log("error", "Request timed out: %r", TimeoutError("timed out"))
        handler.log("error", "code %d, message %s", 400, "Bad request syntax")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, "Request timed out: TimeoutError('timed out')"),
        (logging.ERROR, "code 400, message Bad request syntax"),
    ]
