"""Fixtures for the exactonline tests (helpers live in ``helpers.py``)."""

from __future__ import annotations

import pytest

from .helpers import FakeClock, FakeExact


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake() -> FakeExact:
    return FakeExact()
