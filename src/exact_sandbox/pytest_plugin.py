"""pytest plugin: `exact_sandbox` (served on a free loopback port) and `exact_sandbox_inprocess`.

Register with ``pytest_plugins = ["exact_sandbox.pytest_plugin"]`` in the root conftest. One server runs
per test session; every test gets it freshly reset, with the sandbox clock *frozen* at 10:00:00 UTC of
the day the session started (move it with `advance` / `set_clock`; nothing in the sandbox sleeps).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from .app import SandboxApp
from .backend import Backend
from .clock import SandboxClock
from .server import BackgroundSandbox
from .testing import SandboxHandle, SandboxTransport


def session_start_instant() -> datetime:
    return datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="session")
def exact_sandbox_server() -> Iterator[BackgroundSandbox]:
    """The session's sandbox server thread (use `exact_sandbox` in tests; this one is not reset)."""
    backend = Backend(SandboxClock(session_start_instant(), mode="frozen"))
    with BackgroundSandbox(backend) as server:
        yield server


@pytest.fixture
def exact_sandbox(exact_sandbox_server: BackgroundSandbox) -> Iterator[SandboxHandle]:
    """A freshly reset sandbox over real HTTP: `.base_url`, control helpers, `.client()`."""
    exact_sandbox_server.backend.reset()
    handle = SandboxHandle(exact_sandbox_server.base_url, exact_sandbox_server.app)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def exact_sandbox_inprocess() -> Iterator[SandboxHandle]:
    """A private sandbox mounted in-process through httpx.WSGITransport (no socket, no thread)."""
    app = SandboxApp(Backend(SandboxClock(session_start_instant(), mode="frozen")))
    base_url = "http://exact-sandbox.invalid"
    control = httpx.Client(base_url=base_url, transport=SandboxTransport(app=app))
    handle = SandboxHandle(base_url, app, control, served=False)
    try:
        yield handle
    finally:
        handle.close()
