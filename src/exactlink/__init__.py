"""Exact Online client: OAuth, REST, OData envelopes, errors and rate limits.

No Django and nothing of ledgerlink in here: the package could be published on its own.
See ``docs/exactlink.md`` for a walk from the authorization URL to a posted journal.
"""

from .client import ExactClient
from .config import REGIONS, ExactConfig
from .errors import (
    AccessTokenExpired,
    ApiError,
    AuthError,
    AuthorizationDenied,
    ConnectionFailed,
    EndpointBlocked,
    ExactError,
    Forbidden,
    InvalidClient,
    InvalidGrant,
    InvalidGuid,
    NotFound,
    OldRefreshTokenUsed,
    RateLimited,
    RefreshTokenExpired,
    RefreshTooEarly,
    Remedy,
    ServerError,
    Timeout,
    TransportError,
    ValidationError,
    classify,
)
from .oauth import (
    Callback,
    MemoryTokenProvider,
    OAuthClient,
    StaticTokenProvider,
    TokenProvider,
    TokenSet,
    parse_callback,
)
from .odata import F, Guid, Query, literal, raw
from .ratelimit import ErrorCount, Governor, InMemoryStore, RateLimitState, RateLimitStore, Window
from .resources import Division, EntitySet, Resource, WritableResource
from .retry import NO_RETRY, RetryPolicy
from .values import Code, Deferred, Int64, format_exact_datetime, guid, parse_exact_datetime

__all__ = [
    "NO_RETRY",
    "REGIONS",
    "AccessTokenExpired",
    "ApiError",
    "AuthError",
    "AuthorizationDenied",
    "Callback",
    "Code",
    "ConnectionFailed",
    "Deferred",
    "Division",
    "EndpointBlocked",
    "EntitySet",
    "ErrorCount",
    "ExactClient",
    "ExactConfig",
    "ExactError",
    "F",
    "Forbidden",
    "Governor",
    "Guid",
    "InMemoryStore",
    "Int64",
    "InvalidClient",
    "InvalidGrant",
    "InvalidGuid",
    "MemoryTokenProvider",
    "NotFound",
    "OAuthClient",
    "OldRefreshTokenUsed",
    "Query",
    "RateLimitState",
    "RateLimitStore",
    "RateLimited",
    "RefreshTokenExpired",
    "RefreshTooEarly",
    "Remedy",
    "Resource",
    "RetryPolicy",
    "ServerError",
    "StaticTokenProvider",
    "Timeout",
    "TokenProvider",
    "TokenSet",
    "TransportError",
    "ValidationError",
    "Window",
    "WritableResource",
    "classify",
    "format_exact_datetime",
    "guid",
    "literal",
    "parse_callback",
    "parse_exact_datetime",
    "raw",
]
