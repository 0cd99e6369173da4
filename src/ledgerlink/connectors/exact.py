"""Building exactlink clients for a connector: the region or sandbox, our clock, our budgets."""

from __future__ import annotations

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from exactlink import ExactClient, ExactConfig, Governor, OAuthClient, TokenProvider
from exactlink.errors import EndpointBlocked
from ledgerlink.connectors import budgets
from ledgerlink.connectors.choices import REGIONS, SANDBOX
from ledgerlink.connectors.models import Connector
from ledgerlink.connectors.ratelimits import DatabaseStore
from ledgerlink.core import clock, crypto

TOKEN_TIMEOUT = 15.0  # seconds; below SQLite's lock timeout (settings) and CLAIM_GRACE (decision.py)


def region_choices() -> list[tuple[str, str]]:
    choices = [(code, str(label)) for code, label in REGIONS.items()]
    if settings.LEDGERLINK_EXACT_SANDBOX_URL:
        choices.insert(0, (SANDBOX, _("Sandbox (%(url)s)") % {"url": settings.LEDGERLINK_EXACT_SANDBOX_URL}))
    return choices


class BudgetTransport(httpx.BaseTransport):
    """Counts Exact's 4xx answers per endpoint and refuses to call an endpoint whose hourly budget is spent.

    Sits under the client as its httpx transport, so every call, whoever makes it, is counted.
    """

    def __init__(self, connector_id: int, inner: httpx.BaseTransport | None = None) -> None:
        self.connector_id = connector_id
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        is_api = path.startswith("/api/v1/")
        endpoint = budgets.endpoint_of(path) if is_api else ""
        if is_api and budgets.endpoint_exhausted(self.connector_id, endpoint, clock.now()):
            raise EndpointBlocked(
                f"stopped before Exact's error budget: {endpoint} answered with errors "
                f"{settings.LEDGERLINK_EXACT_ERRORS_PER_ENDPOINT_HOUR} times this hour; calls resume next hour",
                status=429,
            )
        response = self.inner.handle_request(request)
        if is_api and response.status_code in (400, 401, 403, 404):
            budgets.count_error(self.connector_id, endpoint, clock.now())
        return response

    def close(self) -> None:
        self.inner.close()


def config_for(
    connector: Connector, *, transport: httpx.BaseTransport | None = None, timeout: float = 30.0
) -> ExactConfig:
    base_url = settings.LEDGERLINK_EXACT_SANDBOX_URL if connector.region == SANDBOX else None
    if connector.region == SANDBOX and not base_url:
        raise ValueError("region 'sandbox' needs LEDGERLINK_EXACT_SANDBOX_URL")
    return ExactConfig(
        region="nl" if base_url else connector.region,
        base_url=base_url,
        timeout=timeout,
        transport=transport,
        clock=clock.now,
        user_agent="ledgerlink",
    )


def oauth_for(connector: Connector) -> OAuthClient:
    """The token endpoint client for this connector's app. The secret is unsealed only here."""
    return OAuthClient(
        config_for(connector, timeout=TOKEN_TIMEOUT),
        connector.client_id,
        crypto.unseal(connector.client_secret_sealed),
        connector.callback_url,
    )


def client_for(connector: Connector, tokens: TokenProvider, *, sleep=None) -> ExactClient:  # type: ignore[no-untyped-def]
    """A client whose rate-limit numbers live in the database, shared by every process of the service."""
    return ExactClient(
        config_for(connector, transport=BudgetTransport(connector.pk), timeout=settings.LEDGERLINK_EXACT_TIMEOUT),
        tokens,
        client_id=connector.client_id or f"connector-{connector.pk}",
        governor=Governor(DatabaseStore(), clock=clock.now, sleep=sleep),
        sleep=sleep,
    )
