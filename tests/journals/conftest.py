"""Journal tests: posting runs against the sandbox with a short timeout, so a dropped answer shows up quickly."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _short_exact_timeout():  # type: ignore[no-untyped-def]
    # A dropped answer shows up as a read timeout; keep it short so the tests stay quick.
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=2.0):
        yield
