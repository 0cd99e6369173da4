"""One delivery attempt: check the address, sign the event, POST it, and settle what comes next.

Signed per Standard Webhooks with the ``standardwebhooks`` package: ``webhook-id`` is the event's id (the same
for every retry and replay, so a receiver can drop repeats), ``webhook-timestamp`` the attempt's time,
``webhook-signature`` the HMAC of both and the body. A 2xx answer delivers; anything else (no connection, a
timeout, a 3xx, 4xx or 5xx, an address the guard refuses) is tried again after ``RETRY_AFTER`` (Standard Webhooks'
schedule, then every 10 h) until ``retry_until`` (three days), then given up. An endpoint whose every attempt
failed for ``DISABLE_AFTER`` is switched off and its company's admins get an e-mail (notify.py).

Every time is ``clock.now()``, so tests move the clock instead of sleeping.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import Q
from standardwebhooks import Webhook

from ledgerlink.core import clock, crypto
from ledgerlink.core.locks import lock_row
from ledgerlink.core.messages import Message
from ledgerlink.webhooks import guard
from ledgerlink.webhooks import messages as m
from ledgerlink.webhooks.choices import DeliveryStatus, DisabledReason
from ledgerlink.webhooks.models import EXCERPT_BYTES, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger("ledgerlink.webhooks")

RETRY_AFTER = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
DISABLE_AFTER = timedelta(days=7)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # a receiver answers at once and works afterwards
# An attempt claimed longer ago than this belongs to a worker that died mid-request (TIMEOUT is far shorter).
CLAIM_STALE = timedelta(minutes=2)
USER_AGENT = "ledgerlink-webhooks/1"


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed attempt."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


def body(event: WebhookEvent) -> str:
    return json.dumps(
        {"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.payload},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def signed_headers(secret: str, event: WebhookEvent, at: datetime, text: str) -> dict[str, str]:
    return {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event.webhook_id, at, text),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: Message | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def _pinned(target: guard.Target) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with the checked address in place of the name, the Host header, and TLS's server name: the request
    goes where the guard looked, and the certificate is still checked against the name."""
    url = httpx.URL(target.url)
    host = f"[{target.address}]" if ":" in target.address else target.address
    default = 443 if target.scheme == "https" else 80
    authority = target.host if target.port == default else f"{target.host}:{target.port}"
    pinned = url.copy_with(host=host.strip("[]"), port=target.port)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    return str(pinned), {"host": authority}, extensions


def send(target: guard.Target, headers: dict[str, str], text: str) -> Answer:
    url, host_header, extensions = _pinned(target)
    began = time.perf_counter()
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
            request = client.build_request(
                "POST", url, content=text.encode(), headers={**headers, **host_header}, extensions=extensions
            )
            response = client.send(request, stream=True)
            try:
                excerpt = b""
                for chunk in response.iter_bytes():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break  # the rest is not read: a receiver's long answer costs us nothing
                status = response.status_code
                location = response.headers.get("location", "")
            finally:
                response.close()
    except httpx.TimeoutException:
        return Answer(None, "", Message.of(m.TIMED_OUT, seconds=int(TIMEOUT.read or 0)), _ms(began))
    except httpx.HTTPError as exc:
        return Answer(None, "", Message.of(m.NO_CONNECTION, error=str(exc)[:300] or type(exc).__name__), _ms(began))
    shown = excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    if 200 <= status < 300:
        return Answer(status, shown, None, _ms(began))
    if 300 <= status < 400:
        return Answer(status, shown, Message.of(m.REDIRECTED, status=status, location=location[:300]), _ms(began))
    return Answer(status, shown, Message.of(m.ANSWERED, status=status), _ms(began))


def _ms(began: float) -> int:
    return int((time.perf_counter() - began) * 1000)


def attempt(delivery_id: int) -> str:
    """Try one delivery now, if it is pending, due and not in another worker's hands; returns what happened."""
    now = clock.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE)
    with transaction.atomic():
        ours = WebhookDelivery.objects.filter(free, pk=delivery_id, status=DeliveryStatus.PENDING)
        claimed = ours.filter(next_attempt_at__lte=now).update(claimed_at=now)
    if not claimed:
        return "skipped"  # delivered, replayed, not due yet (a second task for it), or being tried elsewhere
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        WebhookDelivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.CANCELLED, claimed_at=None)
        return DeliveryStatus.CANCELLED
    started = clock.now()
    try:
        target = guard.check(endpoint.url)  # again now: the name may point elsewhere than at save time
        text = body(delivery.event)
        secret = crypto.unseal(endpoint.secret_sealed)
        answer = send(target, signed_headers(secret, delivery.event, started, text), text)
    except guard.AddressRefused as exc:
        answer = Answer(None, "", exc.message, 0)
    return settle(delivery, now, started, answer)


def settle(delivery: WebhookDelivery, claimed_at: datetime, started: datetime, answer: Answer) -> str:
    """Record the attempt and decide the next step, in one transaction."""
    from ledgerlink.webhooks.outbox import enqueue

    now = clock.now()
    number = delivery.attempts + 1
    with transaction.atomic():
        endpoint = lock_row(WebhookEndpoint, delivery.endpoint_id)
        fields: dict[str, object] = {"attempts": number, "claimed_at": None}
        next_at: datetime | None = None
        if answer.ok:
            status = DeliveryStatus.DELIVERED
            fields.update(status=status, delivered_at=now, next_attempt_at=None)
            if endpoint.failing_since is not None:
                endpoint.failing_since = None
                endpoint.save(update_fields=["failing_since"])
        else:
            if now < delivery.retry_until:
                status = DeliveryStatus.PENDING
                next_at = min(now + backoff(number), delivery.retry_until)
            else:
                status = DeliveryStatus.GAVE_UP
            fields.update(status=status, next_attempt_at=next_at)
            if endpoint.failing_since is None:
                endpoint.failing_since = started
                endpoint.save(update_fields=["failing_since"])
            elif endpoint.enabled and started - endpoint.failing_since >= DISABLE_AFTER:
                _switch_off(endpoint, now)
                status, next_at = DeliveryStatus.CANCELLED, None
                fields.update(status=status, next_attempt_at=None)
        still_ours = WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=claimed_at)
        if not still_ours.update(**fields):
            log.warning("webhook delivery taken over while it was tried", extra={"delivery": delivery.pk})
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started,
            duration_ms=answer.duration_ms,
            status_code=answer.status_code,
            response_excerpt=answer.excerpt,
            error=answer.error,
            next_attempt_at=next_at,
        )
        if next_at is not None:
            delivery.next_attempt_at = next_at
            enqueue(delivery, next_at)
    return status


def _switch_off(endpoint: WebhookEndpoint, now: datetime) -> None:
    from ledgerlink.webhooks import notify

    since = endpoint.failing_since or now
    endpoint.enabled = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = DisabledReason.FAILING
    endpoint.disabled_message = Message.of(m.DISABLED_FAILING, since=since)
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason", "disabled_message"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None
    )
    endpoint_id = endpoint.pk
    transaction.on_commit(lambda: notify.endpoint_disabled(endpoint_id))
    log.warning("webhook endpoint switched off after a week of failures", extra={"endpoint": endpoint_id})
