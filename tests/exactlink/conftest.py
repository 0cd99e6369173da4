"""Fixtures for the exactlink tests (helpers live in ``helpers.py`` and ``sandbox_helpers.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from exact_sandbox.pytest_plugin import exact_sandbox, exact_sandbox_server  # noqa: F401

from .exact_target import ExactTarget, real_exact_requested, real_target, sandbox_target
from .helpers import FakeClock, FakeExact
from .sandbox_helpers import Sandbox


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake() -> FakeExact:
    return FakeExact()


@pytest.fixture
def sandbox(exact_sandbox) -> Iterator[Sandbox]:  # noqa: F811 - the plugin fixture, by name
    """The sandbox plugin's freshly reset sandbox, with our app registered and the clock at 12:00:11 UTC."""
    sb = Sandbox(exact_sandbox.base_url, backend=exact_sandbox.app.backend)
    yield sb
    sb.close()


@pytest.fixture
def exact(request: pytest.FixtureRequest, sandbox: Sandbox) -> ExactTarget:
    """The sandbox; or, for tests marked `exact_verified` when real Exact is asked for, a real test
    administration (see exact_target.py)."""
    if real_exact_requested() and request.node.get_closest_marker("exact_verified") is not None:
        return real_target()
    return sandbox_target(sandbox)
