"""Extra → Webhooks with Django's test client: admins only, secret once, test event, log, replay, delete."""

from __future__ import annotations

import pytest

from ledgerlink.core import clock
from ledgerlink.webhooks.models import WebhookDelivery, WebhookEndpoint
from ledgerlink.webhooks.worker import run_deliveries
from tests import factories
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


def test_an_admin_adds_an_endpoint_sees_the_secret_once_and_sends_a_test_event(setup, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    page = setup.client.get("/webhooks/")
    assert page.status_code == 200 and "No webhook endpoints yet." in page.content.decode()
    added = setup.client.post(
        "/webhooks/", {"url": receiver.url, "description": "RetailVista", "events": ["journal.posted"], "enabled": "on"}
    )
    endpoint = WebhookEndpoint.objects.get()
    secret = added.content.decode().split('id="webhook-secret" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("whsec_") and added["Cache-Control"] == "no-store"
    assert secret not in setup.client.get(f"/webhooks/{endpoint.pk}/").content.decode()  # once
    receiver.secret = secret
    assert setup.client.post(f"/webhooks/{endpoint.pk}/test").status_code == 302
    run_deliveries(clock.now())
    assert [event["type"] for event in receiver.events()] == ["webhook.test"]
    detail = setup.client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test" in detail and "Delivered" in detail and ">204<" in detail
    delivery = WebhookDelivery.objects.get()
    assert setup.client.post(f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay").status_code == 302
    run_deliveries(clock.now())
    assert receiver.ids() == [delivery.event.webhook_id] * 2
    rotated = setup.client.post(f"/webhooks/{endpoint.pk}/rotate-secret").content.decode()
    assert "whsec_" in rotated and secret not in rotated
    assert setup.client.post(f"/webhooks/{endpoint.pk}/delete").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_refused_on_the_page(setup) -> None:  # type: ignore[no-untyped-def]
    answer = setup.client.post("/webhooks/", {"url": "https://10.0.0.1/hook", "enabled": "on"})
    assert answer.status_code == 200 and "an address of kind “private network”" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()
    setup.admin.language = "nl"
    setup.admin.save()
    dutch = setup.client.post("/webhooks/", {"url": "https://10.0.0.1/hook", "enabled": "on"}).content.decode()
    assert "een adres van het soort “privénetwerk”" in dutch and "private" not in dutch.split("<main")[1]


def test_only_admins_and_only_their_company(setup, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    clerk = factories.user(setup.company, "clerk", role="user")
    assert factories.signed_in_client(clerk).get("/webhooks/").status_code == 403
    other = factories.company(1002, "Other BV", "other")
    theirs = WebhookEndpoint.objects.create(
        company=other, url="https://93.184.215.14/", secret_sealed="x", created_at=clock.now(), updated_at=clock.now()
    )
    assert setup.client.get(f"/webhooks/{theirs.pk}/").status_code == 404
    assert setup.client.post(f"/webhooks/{theirs.pk}/delete").status_code == 404
