"""GET /api/v1/connectors/{number}/reference/…: Exact's data from the cache, with its age; POST …/refresh."""

from __future__ import annotations

from typing import Any

import pytest

from exact_sandbox.testing import SandboxHandle
from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import ExactDataSnapshot
from ledgerlink.tenancy.audit import Actor
from tests.support.api import Api
from tests.support.exact import Setup

pytestmark = pytest.mark.django_db

BASE = "/api/v1/connectors/1/reference"


@pytest.fixture
def api(setup: Setup) -> Api:
    return Api(apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext, host="demo.localhost")


def test_before_a_refresh_the_lists_are_empty_and_say_never_read(api: Api, connected: Connector) -> None:
    data = api.get(f"{BASE}/gl-accounts").json()
    assert data["fetched_at"] is None and data["age_seconds"] is None and data["division"] is None
    assert data["items"] == [] and data["count"] == 0 and data["pages"] == 1


def test_refresh_reads_exact_and_the_lists_answer_from_the_cache(
    api: Api, connected: Connector, clocks: Any, exact_sandbox: SandboxHandle
) -> None:
    response = api.post(f"{BASE}/refresh")
    assert response.status_code == 200, response.content
    refreshed = response.json()
    assert refreshed["division"] == connected.division
    assert set(refreshed["counts"]) == {"gl-accounts", "vat-codes", "journals", "periods", "customers", "suppliers"}
    assert all(count > 0 for count in refreshed["counts"].values()), refreshed

    clocks.advance(90)
    # From here Exact refuses every read: the lists come from the cache, and a refresh says Exact refused.
    exact_sandbox.add_fault("status", method="GET", status=400, count=1000, message="Nope")
    accounts = api.get(f"{BASE}/gl-accounts", page_size="2").json()
    assert accounts["age_seconds"] == 90 and accounts["division"] == connected.division
    assert accounts["count"] == refreshed["counts"]["gl-accounts"] and len(accounts["items"]) == 2
    assert accounts["pages"] == -(-accounts["count"] // 2)
    codes = [a["code"] for a in accounts["items"]]
    assert codes == sorted(codes)
    second = api.get(f"{BASE}/gl-accounts", page_size="2", page="2").json()["items"]
    assert not {a["code"] for a in second} & set(codes)

    journals = {j["code"]: j for j in api.get(f"{BASE}/journals").json()["items"]}
    assert journals["90"]["description"] == "Memoriaal"
    vat = api.get(f"{BASE}/vat-codes").json()["items"]
    assert any(v["description"] == "Btw hoog 21% excl." for v in vat)
    customers = api.get(f"{BASE}/customers").json()["items"]
    assert any(c["code"] == "1" and c["name"] == "Kassaklant" for c in customers)
    one = api.get(f"{BASE}/customers", page_size="1", page=str(refreshed["counts"]["customers"])).json()
    assert one["count"] == refreshed["counts"]["customers"] == len(customers) and one["items"] == customers[-1:]
    periods = api.get(f"{BASE}/periods", page_size="200").json()["items"]
    assert periods and all(p["closed"] is False for p in periods)
    assert [(p["year"], p["period"]) for p in periods] == sorted((p["year"], p["period"]) for p in periods)

    refused = api.post(f"{BASE}/refresh")
    assert refused.status_code == 502 and refused.json()["code"] == "journal.exact_data.unreadable"
    assert api.get(f"{BASE}/journals").json()["age_seconds"] == 90, "the cache is kept when a refresh fails"


def test_a_second_refresh_within_a_minute_is_429_with_retry_after(api: Api, connected: Connector, clocks: Any) -> None:
    assert api.post(f"{BASE}/refresh").status_code == 200
    clocks.advance(20)
    again = api.post(f"{BASE}/refresh")
    assert again.status_code == 429 and again["Retry-After"] == "40"
    assert again.json()["code"] == "journal.exact_data.recent"
    clocks.advance(41)
    assert api.post(f"{BASE}/refresh").status_code == 200
    document = api.client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/connectors/{number}/reference/refresh"]["post"]["responses"]
    assert "Retry-After" in answers["429"]["headers"]  # a generated client can read when to try again


def test_refresh_without_a_division_is_409_and_paging_is_checked(api: Api, setup: Setup) -> None:
    setup.add_connector()
    response = api.post(f"{BASE}/refresh")
    assert response.status_code == 409 and response.json()["code"] == "journal.exact_data.no_division"
    assert not ExactDataSnapshot.objects.exists()
    bad = api.get(f"{BASE}/customers", page="0", page_size="500", sort="x")
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["sort"]
    bad = api.get(f"{BASE}/customers", page="0", page_size="500")
    assert [p["field"] for p in bad.json()["problems"]] == ["page", "page_size"]
    assert api.get("/api/v1/connectors/2/reference/customers").status_code == 404


def test_a_list_read_for_another_division_is_not_shown(api: Api, connected: Connector, clocks: Any) -> None:
    assert api.post(f"{BASE}/refresh").status_code == 200
    Connector.objects.filter(pk=connected.pk).update(division=(connected.division or 0) + 1)
    assert api.get(f"{BASE}/journals").json()["items"] == []
