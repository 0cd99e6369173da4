"""Webhook endpoints over the REST API, with a company API key: create (secret once), read, change, test, replay."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ledgerlink.core import clock
from ledgerlink.webhooks.worker import run_deliveries
from tests.support.api import Api, tenant
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db
BASE = "/api/v1/webhooks/endpoints"


def patch(api: Api, path: str, body: Any) -> Any:
    return api.client.patch(path, data=json.dumps(body), content_type="application/json", headers=api.headers)


def delete(api: Api, path: str) -> Any:
    return api.client.delete(path, headers=api.headers)


def test_the_erp_manages_its_endpoints_and_reads_the_delivery_log(receiver: Receiver) -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    created = api.post(BASE, {"url": receiver.url, "description": "ERP", "events": ["journal.posted"]})
    assert created.status_code == 201, created.json()
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"] == ["journal.posted"]
    receiver.secret = endpoint["secret"]
    one = api.get(f"{BASE}/{endpoint['id']}").json()
    assert "secret" not in one and one["url"] == receiver.url
    assert [e["id"] for e in api.get(BASE).json()] == [endpoint["id"]]
    changed = patch(api, f"{BASE}/{endpoint['id']}", {"events": [], "description": "all"})
    assert changed.status_code == 200 and changed.json()["events"] == [] and changed.json()["url"] == receiver.url
    sent = api.post(f"{BASE}/{endpoint['id']}/test")
    assert sent.status_code == 202
    run_deliveries(clock.now())
    assert receiver.ids() == [sent.json()["event_id"]] and receiver.events()[0]["type"] == "webhook.test"
    log = api.get(f"{BASE}/{endpoint['id']}/deliveries").json()
    assert log[0]["status"] == "delivered" and log[0]["attempts"][0]["status_code"] == 204
    replayed = api.post(f"{BASE}/{endpoint['id']}/deliveries/{log[0]['id']}/replay")
    assert replayed.status_code == 202 and replayed.json()["event_id"] == sent.json()["event_id"]
    run_deliveries(clock.now())
    assert receiver.ids() == [sent.json()["event_id"]] * 2
    rotated = api.post(f"{BASE}/{endpoint['id']}/rotate-secret").json()["secret"]
    assert rotated != endpoint["secret"]
    assert delete(api, f"{BASE}/{endpoint['id']}").status_code == 204
    assert api.get(f"{BASE}/{endpoint['id']}").status_code == 404


def test_refusals_have_the_api_shape() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    private = api.post(BASE, {"url": "https://192.168.1.5/hook"})
    assert private.status_code == 422 and private.json()["problems"][0]["code"] == "webhook.address_refused"
    plain = api.post(BASE, {"url": "http://93.184.215.14/hook"})
    assert plain.status_code == 422 and plain.json()["problems"][0]["code"] == "webhook.https_required"
    unknown = api.post(BASE, {"url": "https://93.184.215.14/hook", "events": ["journal.eaten"]})
    assert unknown.status_code == 422
    nul = api.post(BASE, {"url": "https://93.184.215.14/hook", "description": "a\u0000b"})
    assert nul.status_code == 422 and nul.json()["problems"][0]["code"] == "request.bad_character"
    assert Api(None).get(BASE).status_code == 401
    _other, other_key = tenant(1002, "beta")
    theirs = Api(other_key).post(BASE, {"url": "https://93.184.215.14/hook"}).json()
    assert api.get(f"{BASE}/{theirs['id']}").status_code == 404
    assert delete(api, f"{BASE}/{theirs['id']}").status_code == 404
