"""The database failing around a refresh: the command and the page say what happened, in one line, no traceback."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from ledgerlink.connectors import engine
from ledgerlink.connectors.models import Connector

pytestmark = pytest.mark.django_db
LOST = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally"


@pytest.fixture
def database_gone_at_the_refresh(connected, clocks, monkeypatch):  # type: ignore[no-untyped-def]
    """The refresh is due, and the row lock that starts it fails as a terminated connection does."""
    clocks.advance(590)

    def lost(connector_id: int) -> Connector:
        raise OperationalError(LOST)

    monkeypatch.setattr(engine, "lock_connector", lost)
    return connected


def test_connector_check_says_the_database_failed_in_one_line(database_gone_at_the_refresh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as failed:
        call_command("connector", "check", "demo", "1", stdout=StringIO())
    text = str(failed.value)
    assert "server closed the connection unexpectedly" in text and "\n" not in text
    assert "Traceback" not in text


def test_the_test_connection_button_says_the_database_failed(setup, database_gone_at_the_refresh) -> None:  # type: ignore[no-untyped-def]
    response = setup.client.post("/connectors/1/test", HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302)
    page = (response.content or b"").decode() or setup.client.get("/connectors/1/").content.decode()
    assert "server closed the connection unexpectedly" in page
    assert "Traceback" not in page
