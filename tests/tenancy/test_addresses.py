"""One function builds a company's address."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from ledgerlink.connectors.callback import expected_callback_url
from ledgerlink.tenancy.addresses import company_url, request_port


@override_settings(LEDGERLINK_BASE_DOMAIN="retailvista.net", LEDGERLINK_PUBLIC_SCHEME="https")
def test_a_company_address_keeps_only_a_port_that_is_not_the_default() -> None:
    assert company_url("shop") == "https://shop.retailvista.net/"
    assert company_url("shop", "/connectors/1/", "443") == "https://shop.retailvista.net/connectors/1/"
    assert company_url("shop", "/x", 8443) == "https://shop.retailvista.net:8443/x"
    assert company_url(None, "/login", "8000") == "https://retailvista.net:8000/login"
    assert expected_callback_url("shop", 2, "80") == "https://shop.retailvista.net/oauth.ashx?provider=2"


def test_the_port_comes_from_the_host_header() -> None:
    assert request_port(RequestFactory().get("/", HTTP_HOST="shop.localhost:8240")) == "8240"
    assert request_port(RequestFactory().get("/", HTTP_HOST="shop.localhost")) is None
