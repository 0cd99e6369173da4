"""The status/body → error class table, in one place because :func:`classify` is one function."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from exactlink import errors as E
from exactlink.errors import Remedy, classify

from .helpers import odata_error


def oauth(error: str, description: str | None = None) -> bytes:
    doc = {"error": error}
    if description is not None:
        doc["error_description"] = description
    return json.dumps(doc).encode()


TOKEN_CASES = [
    # status, body, headers, expected class, expected remedy
    (401, oauth("unauthorized_client", "Old refresh token used."), {}, E.OldRefreshTokenUsed, Remedy.REAUTHORIZE),
    (
        400,
        oauth(
            "invalid_request", "The refresh token expired at 10/11/2022 9:18:20 PM and it is now 10/28/2022 4:15:50 PM."
        ),
        {},
        E.RefreshTokenExpired,
        Remedy.REAUTHORIZE,
    ),
    (
        401,
        oauth("invalid_request", "Access Token not expired"),
        {"Reason": "Access Token not expired"},
        E.RefreshTooEarly,
        Remedy.WAIT,
    ),
    (401, b"", {"Reason": "Access Token not expired"}, E.RefreshTooEarly, Remedy.WAIT),
    (
        400,
        b'{ "error":"invalid_grant","error_description":"Token is not allowed, because of invalid or empty chainId" }',
        {"Reason": "Unknown: Token is not allowed, because of invalid or empty chainId"},
        E.InvalidGrant,
        Remedy.REAUTHORIZE,
    ),
    (400, oauth("invalid_client"), {}, E.InvalidClient, Remedy.REAUTHORIZE),
    (400, oauth("invalid_request"), {}, E.InvalidClient, Remedy.REAUTHORIZE),
    (400, b"Bad Request", {}, E.InvalidGrant, Remedy.REAUTHORIZE),
]


@pytest.mark.parametrize(("status", "body", "headers", "cls", "remedy"), TOKEN_CASES)
def test_token_endpoint_errors(status, body, headers, cls, remedy):
    err = classify(status, body, httpx.Headers(headers), method="POST", token_endpoint=True)
    assert type(err) is cls
    assert isinstance(err, E.AuthError)
    assert err.remedy is remedy
    assert err.status == status
    assert not err.outcome_unknown


def test_token_call_limit_is_rate_limited():
    body = oauth("invalid_request", "Too many token requests: at most 200 per app per user per day.")
    err = classify(429, body, httpx.Headers(), method="POST", token_endpoint=True)
    assert isinstance(err, E.RateLimited) and err.window == "token"


API_CASES = [
    # status, method, body, headers, class, messages
    (
        400,
        "GET",
        odata_error("Please add a $select or a $top=1 statement to the query string."),
        {},
        E.ValidationError,
        ["Please add a $select or a $top=1 statement to the query string."],
    ),
    (
        400,
        "POST",
        odata_error("Mandatory: G/L account", "Invalid reference: Journal"),
        {},
        E.ValidationError,
        ["Mandatory: G/L account", "Invalid reference: Journal"],
    ),
    (
        500,
        "POST",
        odata_error("Verplicht: Factuur voor", "Verplicht: Besteld door"),
        {},
        E.ServerError,
        ["Verplicht: Factuur voor", "Verplicht: Besteld door"],
    ),
    (404, "GET", odata_error("Not found"), {}, E.NotFound, ["Not found"]),
    (405, "PUT", b"", {}, E.ValidationError, []),
    (500, "GET", b"", {}, E.ServerError, []),
    (503, "GET", b"<html>maintenance</html>", {}, E.ServerError, []),
    (502, "POST", b"", {}, E.ServerError, []),
    (
        400,
        "POST",
        odata_error("Blocked: G/L account 4990 - Vervallen"),
        {},
        E.ValidationError,
        ["Blocked: G/L account 4990 - Vervallen"],
    ),
]


@pytest.mark.parametrize(("status", "method", "body", "headers", "cls", "messages"), API_CASES)
def test_api_errors(status, method, body, headers, cls, messages):
    err = classify(status, body, httpx.Headers(headers), method=method)
    assert type(err) is cls
    assert isinstance(err, E.ApiError)
    assert err.status == status
    assert err.messages == messages


def test_exacts_endpoint_block_is_the_one_endpoint_blocked_error():
    err = classify(403, odata_error("Endpoint blocked: too many errors in the last hour"), httpx.Headers())
    assert type(err) is E.EndpointBlocked and isinstance(err, E.RateLimited)
    assert err.window == "errors" and err.status == 403
    assert err.messages == ["Endpoint blocked: too many errors in the last hour"]


def test_status_and_retry_time_live_on_the_base_error():
    assert E.ExactError("x").status is None and E.ExactError("x").retry_at is None
    assert classify(404, odata_error("Not found"), httpx.Headers()).status == 404
    assert classify(401, b"", httpx.Headers()).status == 401
    assert E.Timeout("t").status is None


def test_server_error_on_a_write_means_outcome_unknown():
    assert classify(502, b"", httpx.Headers(), method="POST").outcome_unknown is True
    assert classify(503, b"", httpx.Headers(), method="GET").outcome_unknown is False
    # A 500 *with* Exact's messages on a write may be a refusal or a real server error after the write.
    err = classify(500, odata_error("Invalid journal"), httpx.Headers(), method="POST")
    assert err.outcome_unknown is True and err.messages == ["Invalid journal"]


def test_api_401_is_access_token_expired_with_the_reason():
    headers = httpx.Headers(
        {
            "WWW-Authenticate": 'Bearer realm="Exact Online", error="invalid_token", '
            'error_description="access%20token%20expired"'
        }
    )
    err = classify(401, b"", headers, method="GET")
    assert type(err) is E.AccessTokenExpired
    assert err.remedy is Remedy.REREAD_TOKENS
    assert "access token expired" in err.message


def test_api_403_is_forbidden():
    err = classify(403, odata_error("No access to this division"), httpx.Headers(), method="GET")
    assert type(err) is E.Forbidden and err.remedy is Remedy.REAUTHORIZE


def test_minutely_429_carries_only_its_window():
    headers = httpx.Headers(
        {
            "X-RateLimit-Minutely-Limit": "60",
            "X-RateLimit-Minutely-Remaining": "0",
            "X-RateLimit-Minutely-Reset": "1741611960000",
        }
    )
    err = classify(429, b"", headers, method="GET")
    assert isinstance(err, E.RateLimited)
    assert err.window == "minutely"
    assert err.retry_at == datetime(2025, 3, 10, 13, 6, tzinfo=UTC)


def test_daily_429():
    headers = httpx.Headers(
        {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1741651200000"}
    )
    err = classify(429, b"", headers, method="GET")
    assert isinstance(err, E.RateLimited) and err.window == "daily"
    assert err.retry_at == datetime(2025, 3, 11, tzinfo=UTC)


def test_429_without_headers():
    err = classify(429, b"", httpx.Headers(), method="GET")
    assert isinstance(err, E.RateLimited) and err.retry_at is None


def test_success_is_not_an_error():
    for status in (200, 201, 204):
        assert classify(status, b"", httpx.Headers()) is None


def test_every_class_sits_in_the_tree():
    leaves = [
        E.Timeout,
        E.ConnectionFailed,
        E.AuthorizationDenied,
        E.OldRefreshTokenUsed,
        E.RefreshTokenExpired,
        E.RefreshTooEarly,
        E.InvalidGrant,
        E.InvalidClient,
        E.AccessTokenExpired,
        E.Forbidden,
        E.RateLimited,
        E.ValidationError,
        E.NotFound,
        E.ServerError,
        E.EndpointBlocked,
    ]
    for cls in leaves:
        assert issubclass(cls, E.ExactError)
        assert cls.__name__ in E.__doc__
    assert issubclass(E.InvalidGuid, ValueError) and not issubclass(E.InvalidGuid, E.ExactError)


def test_str_says_when_the_outcome_is_unknown():
    err = E.Timeout("ReadTimeout on POST /x", outcome_unknown=True)
    assert "outcome unknown" in str(err)
