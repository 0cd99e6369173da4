"""The connectors part of the REST API: each connector's state as the connector screen shows it.

What the screen computes is reused, not copied: the status and its reason as the stored dates imply them
(``health.health``: a refresh token unused for 30 days is dead whether or not anybody asked since), the days
left before it would lapse, and the address of the screen where an admin re-authorizes (the company's own
host, ``tenancy.addresses.company_url``). Nothing here calls Exact.

The router carries no authentication of its own: ``ledgerlink.api`` mounts it with the company API key of the
journals router, and every operation reads the key's company through ``tenancy.api_caller``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from ledgerlink.connectors import messages
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.health import REFRESH_TOKEN_LIFETIME, health
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import AUTH_ERRORS, ApiError, ErrorOut
from ledgerlink.tenancy.addresses import company_url, request_port
from ledgerlink.tenancy.api_caller import request_company
from ledgerlink.tenancy.models import Company

router = Router(tags=["connectors"])

StatusValue = Literal["not_authorized", "connected", "reauth_required"]
assert set(get_args(StatusValue)) == set(Status.values)


class ReasonOut(Schema):
    """A coded message: ``message`` and ``fix`` in the reader's language (``Accept-Language``), ``code`` to act
    on by program."""

    code: str
    message: str
    fix: str = Field(description="what a person can do about it; empty: nothing to do")

    @staticmethod
    def of(message: Message | None) -> dict[str, str] | None:
        if message is None:
            return None
        return {"code": message.code, "message": message.text(), "fix": message.fix()}


class ConnectorOut(Schema):
    number: int
    name: str
    status: StatusValue = Field(
        description="as the stored dates imply it: a connector whose refresh token lapsed unused reads "
        "reauth_required before anybody asked Exact"
    )
    status_label: str = Field(description="the status in the reader's language")
    reason: ReasonOut | None = Field(description="why a reauthorization is required; null otherwise")
    division: int | None = Field(description="Exact's division (administration) the connector posts to")
    division_name: str
    last_contact_at: datetime | None = Field(description="the last answer from Exact")
    last_error: ReasonOut | None = Field(description="the last thing that went wrong talking to Exact")
    last_error_at: datetime | None
    days_left: int | None = Field(
        description=f"whole days before Exact ends the connection if it stays unused "
        f"({REFRESH_TOKEN_LIFETIME.days} days after the last token refresh); null: not connected"
    )
    reauthorization_url: str = Field(
        description="the connector screen on the company's own address, where an admin re-authorizes (oAuth)"
    )


def connector_out(request: HttpRequest, company: Company, connector: Connector) -> dict[str, Any]:
    now = clock.now()
    state = health(connector, now)
    reason = ReasonOut.of(state.reason)
    if reason is not None:
        reason["fix"] = state.next_step or reason["fix"]
    path = reverse("connector-detail", args=[connector.number])
    return {
        "number": connector.number,
        "name": connector.name,
        "status": state.status.value,
        "status_label": state.status_label,
        "reason": reason,
        "division": connector.division,
        "division_name": connector.division_name,
        "last_contact_at": connector.last_contact_at,
        "last_error": ReasonOut.of(connector.last_error),
        "last_error_at": connector.last_error_at,
        "days_left": state.days_left,
        "reauthorization_url": company_url(company.alias, path, request_port(request)),
    }


def company_connector(company: Company, number: int) -> Connector:
    """The company's connector ``number``, or 404 (another company's connector is no different from none)."""
    connector = Connector.objects.for_company(company).filter(number=number).first()
    if connector is None:
        raise ApiError(404, Message.of(messages.API_CONNECTOR_UNKNOWN, number=number))
    return connector


@router.get("", response={200: list[ConnectorOut], **AUTH_ERRORS}, summary="The company's connectors")
def list_connectors(request: HttpRequest) -> list[dict[str, Any]]:
    company = request_company(request)
    return [connector_out(request, company, c) for c in Connector.objects.for_company(company).order_by("number")]


@router.get(
    "/{number}",
    response={200: ConnectorOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="One connector: status, reason, division, last contact, days left, where to re-authorize",
)
def get_connector(request: HttpRequest, number: int) -> dict[str, Any]:
    company = request_company(request)
    return connector_out(request, company, company_connector(company, number))
