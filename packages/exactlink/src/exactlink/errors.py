"""Every way a call to Exact Online can fail, as one tree.

::

    ExactError                      .status (HTTP, None without an answer), .retry_at (when to try again,
    │                               None: unknown or never), .outcome_unknown (the write may have reached Exact)
    ├── TransportError              no HTTP answer at all
    │   ├── Timeout
    │   └── ConnectionFailed
    ├── AuthError                   .remedy: WAIT | REREAD_TOKENS | REAUTHORIZE
    │   ├── AuthorizationDenied         the user pressed Cancel on Exact's consent page
    │   ├── OldRefreshTokenUsed         a rotated-out refresh token was sent again
    │   ├── RefreshTokenExpired         unused for 30 days
    │   ├── RefreshTooEarly             refresh asked outside the last 30 s of the access token
    │   ├── InvalidGrant                authorization code reused/expired, stale token chain
    │   ├── InvalidClient               client ID / secret pair rejected
    │   ├── AccessTokenExpired          API answered 401 for the bearer token
    │   └── Forbidden                   403: no rights on this division
    ├── RateLimited                 .window ("minutely" | "daily" | "token" | "errors"); .retry_at = its reset
    │   └── EndpointBlocked             window "errors": the endpoint's error budget is spent (Exact's block,
    │                                   or the governor stopping short of it)
    └── ApiError                    .messages (Exact's text, one entry per line)
        ├── ValidationError             4xx refusals (400, 405, …)
        ├── NotFound                    404
        └── ServerError                 5xx; on a write the outcome is unknown, even when Exact's
                                        messages come with it (Exact answers some refusals with 500)

The decision status/body → class lives in :func:`classify`, and only there. Everything else in the
package raises what that function returns, so the table in the tests is the whole contract.

Messages never include tokens, secrets or codes: the token endpoint's answers are reduced to their
``error`` and ``error_description`` fields, which Exact fills with fixed texts.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import unquote


class Remedy(enum.Enum):
    """What the caller should do about an :class:`AuthError`."""

    WAIT = "wait"  # try again later with the same tokens
    REREAD_TOKENS = "reread_tokens"  # another process may hold newer tokens: reload them, then retry
    REAUTHORIZE = "reauthorize"  # a person must go through the consent page again


class ExactError(Exception):
    """Base of everything this package raises about Exact Online.

    ``status`` is Exact's HTTP status (``None`` when there was no answer). ``retry_at`` is when the same
    call may succeed (a rate window's reset; ``None`` when unknown). ``outcome_unknown`` is true only when
    a request that changes data may have been carried out by Exact although we got no usable answer: the
    caller must look before it writes again.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_at: datetime | None = None,
        outcome_unknown: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_at = retry_at
        self.outcome_unknown = outcome_unknown
        self.request_id = request_id

    def __str__(self) -> str:
        suffix = " (outcome unknown: look before writing again)" if self.outcome_unknown else ""
        return f"{self.message}{suffix}"


class TransportError(ExactError):
    """No HTTP answer: the connection failed or went silent."""


class Timeout(TransportError):
    pass


class ConnectionFailed(TransportError):
    pass


class AuthError(ExactError):
    remedy: Remedy = Remedy.REAUTHORIZE


class AuthorizationDenied(AuthError):
    remedy = Remedy.REAUTHORIZE


class OldRefreshTokenUsed(AuthError):
    # Exact treats reuse of a rotated-out refresh token as theft and revokes the whole chain (the
    # pair another worker may just have stored dies with it), so only a new consent helps.
    remedy = Remedy.REAUTHORIZE


class RefreshTokenExpired(AuthError):
    remedy = Remedy.REAUTHORIZE


class RefreshTooEarly(AuthError):
    # Refresh only in the access token's last 30 s. Exact may count the refused refresh token as
    # spent (the sandbox does): keep using the access token, and expect OldRefreshTokenUsed next.
    remedy = Remedy.WAIT


class InvalidGrant(AuthError):
    remedy = Remedy.REAUTHORIZE


class InvalidClient(AuthError):
    remedy = Remedy.REAUTHORIZE


class AccessTokenExpired(AuthError):
    remedy = Remedy.REREAD_TOKENS


class Forbidden(AuthError):
    remedy = Remedy.REAUTHORIZE


class RateLimited(ExactError):
    def __init__(
        self,
        message: str,
        *,
        window: str,
        retry_at: datetime | None = None,
        status: int | None = 429,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, retry_at=retry_at, request_id=request_id)
        self.window = window


class EndpointBlocked(RateLimited):
    """The endpoint's error budget is spent: Exact blocks it (or would), for about an hour."""

    def __init__(
        self,
        message: str,
        *,
        retry_at: datetime | None = None,
        status: int | None = 403,
        messages: list[str] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, window="errors", retry_at=retry_at, status=status, request_id=request_id)
        self.messages = list(messages or [])


class ApiError(ExactError):
    status: int

    def __init__(
        self,
        message: str,
        *,
        status: int,
        messages: list[str] | None = None,
        outcome_unknown: bool = False,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, outcome_unknown=outcome_unknown, request_id=request_id)
        self.messages = list(messages or [])


class ValidationError(ApiError):
    pass


class NotFound(ApiError):
    pass


class ServerError(ApiError):
    pass


class InvalidGuid(ValueError):
    """A value that should be a GUID is not one. Raised before any request is sent."""


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "MERGE"})


def odata_messages(body: bytes | str) -> list[str]:
    """Exact's messages from an OData error envelope, split on Exact's ``\\r\\n`` separator."""
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    err = doc.get("error")
    if not isinstance(err, dict):
        return []
    msg = err.get("message")
    value = msg.get("value") if isinstance(msg, dict) else msg
    if not isinstance(value, str):
        return []
    return [line.strip() for line in value.replace("\r\n", "\n").split("\n") if line.strip()]


def _oauth_fields(body: bytes | str) -> tuple[str, str]:
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        return str(doc.get("error") or ""), str(doc.get("error_description") or "")
    return "", ""


def _reset_from(headers: Mapping[str, str], name: str) -> datetime | None:
    raw = headers.get(name)
    if raw is None or not raw.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(raw) / 1000, UTC)


def classify(
    status: int,
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    method: str = "GET",
    token_endpoint: bool = False,
    request_id: str | None = None,
) -> ExactError | None:
    """The one place that turns an HTTP answer from Exact into an error (or ``None`` for success).

    ``headers`` must be case-insensitive (an ``httpx.Headers`` is). ``token_endpoint`` selects the
    OAuth reading of 400/401; elsewhere 401 means the bearer token was refused.
    """
    if status < 400:
        return None
    write = method.upper() in WRITE_METHODS
    rid = request_id
    # Exact puts reasons in several places: the body, a ``Reason`` header, ``WWW-Authenticate``.
    reason = " ".join(unquote(headers.get(h, "")) for h in ("Reason", "WWW-Authenticate") if headers.get(h))
    if status == 429:
        # A 429 carries only the headers of the window that ran out.
        window: str
        reset: datetime | None
        if token_endpoint:
            window, reset = "token", None
        elif headers.get("X-RateLimit-Minutely-Reset") is not None:
            window, reset = "minutely", _reset_from(headers, "X-RateLimit-Minutely-Reset")
        elif headers.get("X-RateLimit-Reset") is not None:
            window, reset = "daily", _reset_from(headers, "X-RateLimit-Reset")
        else:
            window, reset = "minutely", None
        return RateLimited(f"rate limit reached ({window} window)", window=window, retry_at=reset, request_id=rid)

    if token_endpoint and status in (400, 401, 403):
        error, description = _oauth_fields(body)
        text = f"{error} {description} {reason}".lower()
        detail = f"{error}: {description}".strip(": ") or f"HTTP {status}"
        auth_class: type[AuthError] = InvalidGrant
        if "old refresh token" in text:
            auth_class = OldRefreshTokenUsed
        elif "not expired" in text:
            auth_class = RefreshTooEarly
        elif "refresh token expired" in text:
            auth_class = RefreshTokenExpired
        elif error in ("invalid_client", "unauthorized_client"):
            auth_class = InvalidClient
        elif error == "invalid_request" and not description:
            # A bare ``invalid_request`` was a wrong client id/secret pair in the one public report.
            auth_class = InvalidClient
        return auth_class(detail, status=status, request_id=rid)

    messages = odata_messages(body)
    text = " ".join(messages).lower()
    first = messages[0] if messages else f"HTTP {status}"
    # The error-budget block comes as a refusal of the whole endpoint; "Blocked: G/L account 4990" on a
    # 400 is an ordinary validation message about the data and must stay a ValidationError.
    if status == 403 and ("blocked" in text or "blocked" in reason.lower()):
        return EndpointBlocked(first, status=status, messages=messages, request_id=rid)
    if status == 401:
        return AccessTokenExpired(reason or first, status=status, request_id=rid)
    if status == 403:
        return Forbidden(first, status=status, request_id=rid)
    if status == 404:
        return NotFound(first, status=status, messages=messages, request_id=rid)
    if 400 <= status < 500:
        return ValidationError(first, status=status, messages=messages, request_id=rid)
    # Exact answers some refusals of a write with a 500 and its messages, but its real server errors come
    # with messages too: after any 5xx a write may have been carried out. The caller looks it up, and calls
    # it a refusal only when the same words come back again (``messages`` keeps them for that).
    return ServerError(first, status=status, messages=messages, outcome_unknown=write, request_id=rid)
