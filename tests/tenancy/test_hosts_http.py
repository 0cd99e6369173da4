"""Host resolution as the outside world sees it, through the middleware."""

import pytest
from django.test import Client, override_settings

from tests import factories

pytestmark = pytest.mark.django_db


def test_unknown_host_is_400() -> None:
    response = Client(HTTP_HOST="evil.example").get("/login")
    assert response.status_code == 400


def test_unknown_alias_is_a_404_page_saying_so() -> None:
    response = Client(HTTP_HOST="nobody.localhost").get("/login")
    assert response.status_code == 404
    assert "No company at this address" in response.content.decode()


def test_health_answers_on_any_host() -> None:
    assert Client(HTTP_HOST="10.0.0.5:8000").get("/healthz").json() == {"status": "ok"}


def test_forwarded_host_ignored_from_untrusted_peer() -> None:
    factories.company(alias="demo")
    response = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_HOST="demo.localhost", REMOTE_ADDR="198.51.100.1").get(
        "/login"
    )
    assert 'name="company_number"' in response.content.decode()  # still the bare domain


@override_settings(LEDGERLINK_TRUSTED_PROXIES=["10.0.0.2"])
def test_forwarded_host_and_proto_honoured_from_trusted_proxy() -> None:
    factories.company(alias="demo")
    client = Client(
        HTTP_HOST="internal:8000",
        HTTP_X_FORWARDED_HOST="demo.localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR="10.0.0.2",
    )
    response = client.get("/companies/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login")
    login_page = client.get("/login")
    assert 'name="company_number"' not in login_page.content.decode()
    assert login_page.wsgi_request.is_secure()


def test_every_response_has_a_request_id() -> None:
    response = Client(HTTP_HOST="localhost").get("/login")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("host", "status", "code", "detail"),
    [
        ("evil.example", 400, "host.invalid", "This service does not answer at this address."),
        ("nobody.localhost", 404, "host.no_company", "No company at this address"),
    ],
    ids=["no address of ours", "an alias no company uses"],
)
def test_an_api_request_to_a_host_we_refuse_is_a_documented_problem(
    host: str, status: int, code: str, detail: str
) -> None:
    response = Client(HTTP_HOST=host).get("/api/v1/journals")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert response.json()["detail"] == detail


def test_a_refused_host_is_answered_in_the_language_the_request_asks_for_whatever_came_before() -> None:
    for language, invalid, no_company in (
        ("nl", "Deze dienst antwoordt niet op dit adres.", "Geen bedrijf op dit adres"),
        ("en", "This service does not answer at this address.", "No company at this address"),
        ("nl", "Deze dienst antwoordt niet op dit adres.", "Geen bedrijf op dit adres"),
    ):
        answer = Client(HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/journals")
        assert answer.json()["detail"] == invalid
        answer = Client(HTTP_HOST="nobody.localhost", HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/journals")
        assert answer.json()["detail"] == no_company
        page = Client(HTTP_HOST="nobody.localhost", HTTP_ACCEPT_LANGUAGE=language).get("/login")
        assert no_company in page.content.decode()
