"""Events from real state changes, delivered signed to a real receiver, retried until it is back, replayed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from ledgerlink.core import clock
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.posting import post_due
from ledgerlink.webhooks import actions
from ledgerlink.webhooks.choices import DeliveryStatus, EventType
from ledgerlink.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from ledgerlink.webhooks.outbox import emit
from ledgerlink.webhooks.worker import run_deliveries
from tests.support.journals import cash_journal, submit
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db


def today(clocks) -> date:  # type: ignore[no-untyped-def]
    return clocks.now().date()


def test_posted_failed_and_connected_reach_the_receiver_signed(setup, receiver: Receiver, clocks) -> None:  # type: ignore[no-untyped-def]
    receiver.secret = actions.create_endpoint(setup.company, receiver.url, "ERP").secret
    setup.add_connector()
    assert setup.authorize().status_code == 200
    posted = submit(setup.company, cash_journal("WH-1", today(clocks)))
    failed = submit(
        setup.company,
        JournalIn(
            reference="WH-BAD",
            kind="cash",
            connector=1,
            date=today(clocks),
            lines=[
                LineIn(ledger_code="1000", debit=Decimal("10.00")),
                LineIn(ledger_code="8050", credit=Decimal("10.00")),
            ],
        ),
    )
    post_due(clock.now())
    assert run_deliveries(clock.now())["attempts"] == 3
    events = {event["type"]: event for event in receiver.events()}
    assert set(events) == {"connector.connected", "journal.posted", "journal.failed"}
    posted.refresh_from_db()
    failed.refresh_from_db()
    data = events["journal.posted"]["data"]
    assert data["journal"]["reference"] == "WH-1" and data["journal"]["status"] == "posted"
    assert data["exact"]["entry_number"] == posted.exact_entry_number and data["exact"]["entry_id"]
    problem = events["journal.failed"]["data"]["problem"]
    assert problem["code"] == failed.status_message.code
    assert problem["message"] == failed.status_message.text() and "problem" not in data
    connector = events["connector.connected"]["data"]["connector"]
    assert connector["number"] == 1 and connector["url"].endswith("/connectors/1/")
    # webhook-id is the event's id: what the receiver dedupes on.
    assert sorted(receiver.ids()) == sorted(e.webhook_id for e in WebhookEvent.objects.all())
    assert all(d.status == DeliveryStatus.DELIVERED for d in WebhookDelivery.objects.all())
    assert run_deliveries(clock.now())["attempts"] == 0  # nothing twice


def test_a_receiver_down_for_an_hour_gets_every_event_after(setup, receiver: Receiver, clocks) -> None:  # type: ignore[no-untyped-def]
    receiver.secret = actions.create_endpoint(setup.company, receiver.url, events=["journal.posted"]).secret
    receiver.down()
    sent = []
    for n in range(6):
        with transaction.atomic():
            sent.append(emit(setup.company, EventType.JOURNAL_POSTED, {"n": n}))
        run_deliveries(clock.now())
        clocks.advance(600)  # an event every ten minutes while the receiver is down
    assert receiver.received == []
    assert WebhookAttempt.objects.filter(status_code__isnull=True).count() >= 6
    receiver.up()  # back after an hour
    for _ in range(12 * 6):  # the next six hours, a worker round every five minutes
        run_deliveries(clock.now())
        clocks.advance(300)
    events = receiver.events()
    assert sorted(e["data"]["n"] for e in events) == list(range(6))  # every one, exactly once
    assert sorted(receiver.ids()) == sorted(event.webhook_id for event in sent if event is not None)
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 6


def test_retries_stop_after_three_days_and_replay_sends_again(setup, receiver: Receiver, clocks) -> None:  # type: ignore[no-untyped-def]
    receiver.secret = actions.create_endpoint(setup.company, receiver.url).secret
    receiver.status = 500
    receiver.answer = b"x" * 5000
    with transaction.atomic():
        event = emit(setup.company, EventType.IMPORT_FINISHED, {"import": {"id": 1}})
    assert event is not None
    for _ in range(40):  # four days of 10 h rounds and more
        run_deliveries(clock.now())
        clocks.advance(3 * 3600)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.GAVE_UP
    attempts = list(delivery.attempt_log.all())
    assert len(attempts) == len(receiver.received) >= 8
    assert all(a.status_code == 500 and len(a.response_excerpt) == 1024 for a in attempts)
    assert max(a.started_at for a in attempts) - event.created_at <= timedelta(days=3, seconds=1)
    receiver.status, receiver.answer = 200, b"ok"
    actions.replay(delivery)
    run_deliveries(clock.now())
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.ids()[-1] == event.webhook_id == receiver.ids()[0]  # the same id: receivers drop repeats
    assert receiver.events()[-1]["type"] == "import.finished"


def test_outbox_row_exists_only_if_the_change_committed(setup, receiver: Receiver, clocks) -> None:  # type: ignore[no-untyped-def]
    actions.create_endpoint(setup.company, receiver.url)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        emit(setup.company, EventType.JOURNAL_POSTED, {"journal": {"reference": "ROLLED-BACK"}})
        raise Undone
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
    with transaction.atomic():
        emit(setup.company, EventType.JOURNAL_POSTED, {"journal": {"reference": "KEPT"}})
    assert WebhookEvent.objects.get().payload == {"journal": {"reference": "KEPT"}}
    run_deliveries(clock.now())
    assert [r.event["data"]["journal"]["reference"] for r in receiver.received] == ["KEPT"]


def test_an_endpoint_failing_for_a_week_is_switched_off_and_admins_are_told(  # type: ignore[no-untyped-def]
    setup, receiver: Receiver, clocks, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    endpoint = actions.create_endpoint(setup.company, receiver.url).endpoint
    receiver.status = 503
    for day in range(9):
        with transaction.atomic():
            emit(setup.company, EventType.JOURNAL_POSTED, {"day": day})
        for _ in range(4):
            with django_capture_on_commit_callbacks(execute=True):
                run_deliveries(clock.now())
            clocks.advance(6 * 3600)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == "failing"
    assert endpoint.disabled_message is not None and endpoint.disabled_message.code == "webhook.disabled_failing"
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    assert [m.to for m in mail.outbox] == [[setup.admin.email]]
    assert receiver.url in mail.outbox[0].subject and "/webhooks/" in mail.outbox[0].body
    tried = len(receiver.received)
    with transaction.atomic():
        assert emit(setup.company, EventType.JOURNAL_POSTED, {"day": 10}) is None  # nobody listens now
    run_deliveries(clock.now())
    assert len(receiver.received) == tried
