"""Webhook endpoints over the REST API: ``/api/v1/webhooks/…``, scoped to the API key's company.

The router has no authentication of its own: ``ledgerlink/api.py`` mounts it with the company key of the
journals API (the key lives above this app), and each operation reads the key's company from ``request.auth``.
Errors have the API's one shape (core/problems.py); a refused address is a 422 whose problem for ``url`` carries
the guard's code (``webhook.https_required``, ``webhook.address_refused``…).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, WithJsonSchema

from ledgerlink.core.messages import Message
from ledgerlink.core.problems import (
    AUTH_ERRORS,
    BODY_ERRORS,
    ApiError,
    ErrorOut,
    Problem,
    Unauthorized,
    invalid,
    refuse_unknown_query,
)
from ledgerlink.core.text import BAD_CHARACTER, bad_character
from ledgerlink.tenancy.models import Company
from ledgerlink.webhooks import actions, guard
from ledgerlink.webhooks import messages as m
from ledgerlink.webhooks.choices import SUBSCRIBABLE, DeliveryStatus, EventType
from ledgerlink.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"])
LOG_SIZE = 50

EVENT_NAMES = [choice.value for choice in SUBSCRIBABLE]
# What a schema-valid body may still be refused for (422): the address guard's rules (guard.py), which depend on
# the name's addresses now and on the settings, and text no database stores.
RULES_BEYOND_THE_SCHEMA = {
    m.URL_INVALID: "the URL is http(s) with a host name, without user or password, with a valid port",
    m.HTTPS_REQUIRED: "the URL is https outside development (LEDGERLINK_WEBHOOKS_ALLOW_HTTP)",
    m.HOST_UNKNOWN: "the host name resolves",
    m.ADDRESS_REFUSED: "every address of the host is public (LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE)",
    BAD_CHARACTER: "no control character or unpaired surrogate in url and description",
}
RULES = "A body that fits the schema is refused (422) only for: " + "; ".join(
    f"{rule} ({code})" for code, rule in RULES_BEYOND_THE_SCHEMA.items()
)


def _known_event(name: str) -> str:
    if name not in EVENT_NAMES:
        raise ValueError(f"unknown event type {name!r}; known: {', '.join(EVENT_NAMES)}")
    return name


EventName = Annotated[str, AfterValidator(_known_event), WithJsonSchema({"type": "string", "enum": EVENT_NAMES})]


class EndpointIn(Schema):
    url: str = Field(max_length=500, description="https only outside development; public addresses only")
    description: str = Field("", max_length=200)
    events: list[EventName] = Field(default_factory=list, description="empty: every event")
    enabled: bool = True


class EndpointChange(Schema):
    url: str | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=200)
    events: list[EventName] | None = None
    enabled: bool | None = None


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(description="the signing secret (Standard Webhooks, whsec_…): shown only in this answer")


class SecretOut(Schema):
    secret: str


class SentOut(Schema):
    event_id: str = Field(description="the webhook-id the receiver sees")


class DeliveryAttemptOut(Schema):
    number: int
    started_at: datetime
    status_code: int | None
    duration_ms: int
    response_excerpt: str
    error_code: str | None
    error: str | None


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    payload: dict[str, Any]
    status: DeliveryStatus
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempts: list[DeliveryAttemptOut]


# Every operation: 401, 403 and 422 (core/problems.py); 404 for an endpoint or delivery of another company or
# none; a body: 413 when larger than the service reads, 422 for every problem in it.
ERRORS = AUTH_ERRORS
WITH_BODY: dict[int, type[Schema]] = {**AUTH_ERRORS, **BODY_ERRORS}
ONE: dict[int, type[Schema]] = {**AUTH_ERRORS, 404: ErrorOut}


def _check_text(**fields: str | None) -> None:
    """A control character or a lone surrogate is refused (neither database stores them)."""
    problems = []
    for name, value in fields.items():
        found = bad_character(value) if value is not None else None
        if found is not None:
            problems.append(Problem(name, Message.of(BAD_CHARACTER, field=name, character=found[1])))
    if problems:
        raise invalid(problems)


def _company(request: HttpRequest) -> Company:
    refuse_unknown_query(request)
    company = getattr(getattr(request, "auth", None), "company", None)
    if not isinstance(company, Company):
        raise Unauthorized(_("Send the company's API key as “Authorization: Bearer <key>”."))
    return company


def _endpoint(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    found = WebhookEndpoint.objects.for_company(_company(request)).filter(pk=endpoint_id).first()
    if found is None:
        raise ApiError(404, _("There is no webhook endpoint %(id)s.") % {"id": endpoint_id})
    return found


def _refused(exc: guard.AddressRefused) -> ApiError:
    return invalid([Problem("url", exc.message)])


def _out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "enabled": endpoint.enabled,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def _attempt(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "started_at": attempt.started_at,
        "status_code": attempt.status_code,
        "duration_ms": attempt.duration_ms,
        "response_excerpt": attempt.response_excerpt,
        "error_code": attempt.error.code if attempt.error else None,
        "error": attempt.error.text() if attempt.error else None,
    }


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event_id": delivery.event.webhook_id,
        "event_type": delivery.event.type,
        "payload": delivery.event.payload,
        "status": delivery.status,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "created_at": delivery.created_at,
        "attempts": [_attempt(attempt) for attempt in delivery.attempt_log.all()],
    }


@router.get("/event-types", response={200: list[str], **ERRORS}, summary="The event types an endpoint can subscribe to")
def event_types(request: HttpRequest) -> list[str]:
    _company(request)
    return [choice.value for choice in SUBSCRIBABLE]


@router.get("/endpoints", response={200: list[EndpointOut], **ERRORS}, summary="The company's webhook endpoints")
def list_endpoints(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(endpoint) for endpoint in WebhookEndpoint.objects.for_company(_company(request)).order_by("id")]


@router.post(
    "/endpoints",
    response={201: EndpointCreated, **WITH_BODY},
    summary="Add an endpoint; the answer carries its signing secret, once",
    description=RULES,
)
def create_endpoint(request: HttpRequest, body: EndpointIn) -> Status[Any]:
    _check_text(url=body.url, description=body.description)
    try:
        created = actions.create_endpoint(_company(request), body.url, body.description, body.events, body.enabled)
    except guard.AddressRefused as exc:
        raise _refused(exc) from None
    return Status(201, {**_out(created.endpoint), "secret": created.secret})


@router.get("/endpoints/{endpoint_id}", response={200: EndpointOut, **ONE}, summary="One endpoint")
def get_endpoint(request: HttpRequest, endpoint_id: int) -> dict[str, Any]:
    return _out(_endpoint(request, endpoint_id))


@router.patch(
    "/endpoints/{endpoint_id}",
    response={200: EndpointOut, **ONE, **BODY_ERRORS},
    summary="Change an endpoint (only the fields sent)",
    description=RULES,
)
def update_endpoint(request: HttpRequest, endpoint_id: int, body: EndpointChange) -> Status[Any]:
    endpoint = _endpoint(request, endpoint_id)
    _check_text(url=body.url, description=body.description)
    try:
        actions.update_endpoint(
            endpoint, url=body.url, description=body.description, events=body.events, enabled=body.enabled
        )
    except guard.AddressRefused as exc:
        raise _refused(exc) from None
    return Status(200, _out(endpoint))


@router.delete("/endpoints/{endpoint_id}", response={204: None, **ONE}, summary="Delete an endpoint")
def delete_endpoint(request: HttpRequest, endpoint_id: int) -> Status[None]:
    actions.delete_endpoint(_endpoint(request, endpoint_id))
    return Status(204, None)


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    response={200: SecretOut, **ONE},
    summary="A new signing secret, shown once; the old one stops working at once",
)
def rotate_secret(request: HttpRequest, endpoint_id: int) -> dict[str, str]:
    return {"secret": actions.rotate_secret(_endpoint(request, endpoint_id))}


@router.post(
    "/endpoints/{endpoint_id}/test",
    response={202: SentOut, **ONE},
    summary="Send a webhook.test event to this endpoint",
)
def send_test(request: HttpRequest, endpoint_id: int) -> Status[dict[str, str]]:
    event = actions.send_test(_endpoint(request, endpoint_id))
    return Status(202, {"event_id": event.webhook_id})


@router.get(
    "/endpoints/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ONE},
    summary="The endpoint's last 50 deliveries, newest first, each with its attempts",
)
def list_deliveries(request: HttpRequest, endpoint_id: int) -> list[dict[str, Any]]:
    endpoint = _endpoint(request, endpoint_id)
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
    return [_delivery(delivery) for delivery in deliveries]


@router.post(
    "/endpoints/{endpoint_id}/deliveries/{delivery_id}/replay",
    response={202: SentOut, **ONE},
    summary="Send a delivery's event again (the same webhook-id)",
)
def replay(request: HttpRequest, endpoint_id: int, delivery_id: int) -> Status[dict[str, str]]:
    endpoint = _endpoint(request, endpoint_id)
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).select_related("event").first()
    if delivery is None:
        raise ApiError(404, _("There is no delivery %(id)s of this endpoint.") % {"id": delivery_id})
    actions.replay(delivery)
    return Status(202, {"event_id": delivery.event.webhook_id})


__all__ = ["EventType", "router"]
