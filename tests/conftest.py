"""Root fixtures: database pass selection, a served demo instance, and Chromium through Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from tests import settings as test_settings

# Fixtures shared across test packages live in tests/support/ and are registered here, not imported.
pytest_plugins = ["tests.support.exact"]

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("LEDGERLINK_CHROMIUM", "/usr/bin/chromium")
BIN = Path(sys.executable).parent


def pytest_report_header(config: pytest.Config) -> list[str]:
    engine = django_settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [f"ledgerlink database: {engine}"]
    if test_settings.POSTGRES_PROBLEM:
        lines.append(f"PostgreSQL pass: {test_settings.POSTGRES_PROBLEM}")
    return lines


def pytest_configure(config: pytest.Config) -> None:
    """Compile the Dutch catalogue when its django.po is newer (as `make test` does), so a plain `pytest`
    after a rebase does not test yesterday's Dutch."""
    for locale_path in django_settings.LOCALE_PATHS:
        po = Path(locale_path) / "nl" / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if po.exists() and shutil.which("msgfmt") and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if test_settings.POSTGRES_WANTED and test_settings.POSTGRES_PROBLEM:
        if IN_CI:
            raise pytest.UsageError(f"CI must run the PostgreSQL tests, but {test_settings.POSTGRES_PROBLEM}")
        skip = pytest.mark.skip(reason=f"skipped: {test_settings.POSTGRES_PROBLEM}")
        print(f"\nPostgreSQL pass skipped: {test_settings.POSTGRES_PROBLEM}")
        for item in items:
            item.add_marker(skip)
        return
    if not test_settings.POSTGRES_WANTED:
        only_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass (make test-postgres)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(only_pg)


@pytest.fixture(autouse=True)
def _language_of_its_own() -> Iterator[None]:
    """A request leaves its reader's language active on the thread (Django's LocaleMiddleware does not undo
    it): each test starts and ends in the default language, whatever the test before it read."""
    translation.deactivate()
    yield
    translation.deactivate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited early with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # waiting for a real server process to bind, not for test time to pass
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def service_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ledgerlink.settings",
            "LEDGERLINK_SECRET_KEY": "served-test-secret-" + "k9L8m7N6o5P4q3R2s1T0" * 2,
            "LEDGERLINK_ENCRYPTION_KEYS": os.environ["LEDGERLINK_ENCRYPTION_KEYS"],
            "LEDGERLINK_BASE_DOMAIN": "localhost",
            "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost",
            "LEDGERLINK_PUBLIC_SCHEME": "http",
            "LEDGERLINK_ALLOW_HTTP": "1",  # served on loopback for the tests
            # the tests' webhook receivers listen on loopback, over http
            "LEDGERLINK_WEBHOOKS_ALLOW_HTTP": "1",
            "LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE": "1",
            "LEDGERLINK_VAR_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'served.sqlite3'}",
            "LEDGERLINK_LOG_FORMAT": "text",
        }
    )
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str], input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ledgerlink"), *args], env=env, input=input_text, capture_output=True, text=True, timeout=120
    )


@dataclass
class ServedDemo:
    port: int
    env: dict[str, str]
    sandbox_url: str

    def url(self, alias: str | None = None, path: str = "/") -> str:
        host = f"{alias}.localhost" if alias else "localhost"
        return f"http://{host}:{self.port}{path}"


def start_sandbox_process() -> tuple[subprocess.Popen[str], str]:
    """``python -m exact_sandbox`` on a free port (real clock), as `make run` starts it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "exact_sandbox", "--port", "0", "--log-level", "WARNING"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"listening on (http://\S+)", line)
    if match is None:
        process.terminate()
        raise RuntimeError(f"sandbox did not start: {line!r}")
    return process, match.group(1)


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    """The real stack as `make run` has it: sandbox, and the service under gunicorn with the demo seeded."""
    tmp = tmp_path_factory.mktemp("served")
    sandbox, sandbox_url = start_sandbox_process()
    port = free_port()
    env = service_env(tmp, LEDGERLINK_EXACT_SANDBOX_URL=sandbox_url)
    process = worker = None
    try:
        seeded = run_cli("demo", "--seed-only", "--port", str(port), env=env)
        assert seeded.returncode == 0, seeded.stderr
        process = subprocess.Popen(
            [str(BIN / "ledgerlink"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker = subprocess.Popen(
            [str(BIN / "ledgerlink"), "worker", "--interval", "0.5"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, process)
        yield ServedDemo(port=port, env=env, sandbox_url=sandbox_url)
    finally:
        for child in (process, worker):
            if child is not None:
                child.terminate()
                child.wait(timeout=20)
        sandbox.terminate()
        sandbox.wait(timeout=20)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests, but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations(browser) -> list[str]:  # type: ignore[no-untyped-def]
    """What the browser refused under our Content-Security-Policy, on every page of the test (popups too)."""
    return []


@pytest.fixture
def page(browser, csp_violations: list[str]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})

    def note(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", note)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    # Every browser test also proves that our pages need nothing the policy forbids (inline code, eval).
    assert csp_violations == []
