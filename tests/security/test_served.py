"""`ledgerlink serve` with production settings behind a (simulated) TLS proxy: headers, cookies, redirects,
and an access log without secrets. A real gunicorn process, real HTTP."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import BIN, free_port, run_cli, service_env, wait_for_port

PASSWORD = "served-pass-word-1"
SECRETS = ("SECRETCODE4711", "SECRETSTATE0815", "SECRETTICKET1234")


@dataclass
class Served:
    port: int
    log: Path

    def get(self, path: str, https: bool = True, **kwargs: object) -> httpx.Response:
        return self.request("GET", path, https, **kwargs)

    def request(self, method: str, path: str, https: bool = True, **kwargs: object) -> httpx.Response:
        headers = {"Host": "secure.localhost", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        if https:  # what the TLS-terminating proxy adds (the server trusts 127.0.0.1 as that proxy)
            headers["X-Forwarded-Proto"] = "https"
        return httpx.request(method, f"http://127.0.0.1:{self.port}{path}", headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("production")
    env = service_env(tmp, LEDGERLINK_PUBLIC_SCHEME="https", LEDGERLINK_TRUSTED_PROXIES="127.0.0.1")
    env.pop("LEDGERLINK_ALLOW_HTTP")
    for args, stdin in (
        (("migrate", "--verbosity", "0"), None),
        (("company", "create", "--number", "1001", "--name", "Secure BV", "--alias", "secure"), None),
        (
            ("user", "create", "--company", "1001", "--username", "admin", "--role", "admin", "--password-stdin"),
            PASSWORD,
        ),
    ):
        done = run_cli(*args, env=env, input_text=stdin)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = tmp / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "ledgerlink"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process)
        yield Served(port=port, log=log)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_security_headers_on_https(served: Served) -> None:
    response = served.get("/login")
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
    assert "Server" not in headers  # no "gunicorn" banner
    assert "Server" not in served.get("/static/ledgerlink/app.css").headers


def test_cookies_are_secure_httponly_lax_and_host_only(served: Served) -> None:
    page = served.get("/login")
    csrf = page.cookies["csrftoken"]
    csrf_header = page.headers["Set-Cookie"]
    assert "Secure" in csrf_header and "SameSite=Lax" in csrf_header and "Domain" not in csrf_header
    signed_in = served.request(
        "POST",
        "/login",
        headers={"Origin": "https://secure.localhost", "Cookie": f"csrftoken={csrf}"},
        data={"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert signed_in.status_code == 302, signed_in.text
    (session,) = [value for value in signed_in.headers.get_list("Set-Cookie") if value.startswith("sessionid=")]
    flags = {flag.strip().split("=")[0].lower() for flag in session.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= flags and "domain" not in flags
    assert "samesite=lax" in session.lower()


def test_plain_http_is_redirected_to_https_but_health_is_not(served: Served) -> None:
    response = served.get("/login?next=/journals/", https=False)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://secure.localhost/login?next=/journals/"
    assert "Strict-Transport-Security" not in response.headers  # only ever sent over https
    assert served.get("/healthz", https=False).json() == {"status": "ok"}


def test_access_log_has_no_oauth_codes_states_or_login_tickets(served: Served) -> None:
    code, state, ticket = SECRETS
    callback = f"/oauth.ashx?provider=1&code={code}&state={state}"
    served.get(callback)
    served.get("/static/ledgerlink/app.css?v=1", headers={"Referer": f"https://secure.localhost{callback}"})
    served.get(f"/login/handoff?ticket={ticket}&next=/")
    deadline = time.monotonic() + 15
    text = ""
    while time.monotonic() < deadline:  # gunicorn writes the line after the answer: wait for the real process
        text = served.log.read_text()
        if "/login/handoff" in text:
            break
        time.sleep(0.05)
    assert "/oauth.ashx?provider=1&code=[redacted]&state=[redacted]" in text
    assert "/login/handoff?ticket=[redacted]&next=/" in text
    assert "app.css?v=1" in text  # other query strings are kept
    for secret in SECRETS:
        assert secret not in text
