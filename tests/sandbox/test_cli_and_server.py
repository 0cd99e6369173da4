"""Starting the sandbox: `python -m exact_sandbox`, `cli.main`, and the background server helper."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx

from exact_sandbox.app import create_app
from exact_sandbox.cli import parser
from exact_sandbox.server import BackgroundSandbox


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
