"""GET /api/v1/connectors and /{number}: the state the connector screen shows, for the ERP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from ledgerlink.connectors import messages
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from tests.support.api import Api, tenant

pytestmark = pytest.mark.django_db

URL = "/api/v1/connectors"


@pytest.fixture
def a() -> tuple[Any, str]:
    return tenant(1001, "alpha", connectors=(1, 2))


def test_the_list_says_each_connectors_state_and_where_to_reauthorize(a: tuple[Any, str]) -> None:
    now = clock.now()
    Connector.objects.filter(number=1).update(
        status=Status.CONNECTED,
        tokens_issued_at=now - timedelta(days=25, hours=1),
        division=123456,
        division_name="Demo Retail",
        last_contact_at=now - timedelta(hours=1),
    )
    Connector.objects.filter(number=2).update(
        status=Status.REAUTH_REQUIRED, status_reason=Message.of(messages.NOT_CONNECTED)
    )
    response = Api(a[1], host="alpha.localhost:8000").get(URL)
    assert response.status_code == 200, response.content
    first, second = response.json()
    assert first["number"] == 1 and first["status"] == "connected" and first["reason"] is None
    assert first["division"] == 123456 and first["division_name"] == "Demo Retail"
    assert first["days_left"] == 4 and first["last_contact_at"]
    assert first["reauthorization_url"] == "http://alpha.localhost:8000/connectors/1/"
    assert second["status"] == "reauth_required" and second["status_label"] == "Reauthorization required"
    assert second["reason"]["code"] == "connector.not_connected"
    assert second["reason"]["message"] == "The connector is not connected."
    assert second["reason"]["fix"], "a reauthorization always says what to do"
    assert second["days_left"] is None


def test_a_refresh_token_that_lapsed_unused_reads_reauthorization_required_in_dutch(a: tuple[Any, str]) -> None:
    Connector.objects.filter(number=1).update(
        status=Status.CONNECTED, tokens_issued_at=clock.now() - timedelta(days=31), division=1
    )
    api = Api(a[1])
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    data = api.get(f"{URL}/1").json()
    assert data["status"] == "reauth_required" and data["days_left"] == 0
    assert data["reason"]["code"] == "connector.tokens_lapsed"
    assert data["status_label"] == "Opnieuw autoriseren nodig", data["status_label"]


def test_days_left_counts_down_with_the_clock(a: tuple[Any, str]) -> None:
    start = clock.now()
    Connector.objects.filter(number=1).update(status=Status.CONNECTED, tokens_issued_at=start, division=1)
    api = Api(a[1])
    with time_machine.travel(start, tick=False):
        assert api.get(f"{URL}/1").json()["days_left"] == 30
    with time_machine.travel(start + timedelta(days=20, minutes=1), tick=False):
        assert api.get(f"{URL}/1").json()["days_left"] == 9


def test_another_companys_connector_is_404_and_a_key_is_needed(a: tuple[Any, str]) -> None:
    _b, b_key = tenant(1002, "beta", connectors=(7,))
    api = Api(a[1])
    response = api.get(f"{URL}/7")
    assert response.status_code == 404
    assert response.json()["code"] == "connector.unknown"
    assert [c["number"] for c in Api(b_key).get(URL).json()] == [7]
    assert Api(None).get(URL).status_code == 401
    assert api.get(URL, page="1").json()["problems"][0]["code"] == "journal.query_none"


def test_without_the_api_licence_the_answer_is_403() -> None:
    _company, key = tenant(1003, "gamma", api=False)
    assert Api(key).get(URL).status_code == 403
