"""OAuth 2.0 with Exact Online: authorization URL, callback, code exchange, refresh.

Exact's rules that shape this module (reference §2):

* access tokens live 600 s and may be refreshed only in their last 30 s;
* every refresh rotates the refresh token, and reusing the old one kills the connection;
* ``expires_in`` comes as the string ``"600"`` (a number is accepted too);
* the authorization code arrives URL-encoded in the callback and is decoded exactly once.

This module never keeps tokens: :class:`OAuthClient` returns a :class:`TokenSet` and the caller
stores it. The :class:`TokenProvider` protocol is how :class:`~exactlink.client.ExactClient` gets a
bearer token without knowing where tokens live or who may refresh them.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qs, urlencode, urlsplit

from .config import ExactConfig
from .errors import AccessTokenExpired, AuthorizationDenied, InvalidGrant, classify
from .transport import send

log = logging.getLogger("exactlink.oauth")

REFRESH_WINDOW = timedelta(seconds=30)


@dataclass(frozen=True)
class TokenSet:
    """One access/refresh pair as Exact issued it. ``repr`` never shows the tokens."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    issued_at: datetime
    expires_at: datetime

    @classmethod
    def from_response(cls, payload: Mapping[str, Any], now: datetime) -> TokenSet:
        try:
            access = payload["access_token"]
            refresh = payload["refresh_token"]
            raw_expiry = payload["expires_in"]
        except KeyError as exc:
            raise InvalidGrant(f"token response lacks {exc.args[0]}") from None
        if isinstance(raw_expiry, bool) or not isinstance(raw_expiry, (int, str)):
            raise InvalidGrant("token response has a malformed expires_in")
        text = str(raw_expiry).strip()
        if not text.isdigit():
            raise InvalidGrant("token response has a malformed expires_in")
        if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
            raise InvalidGrant("token response has empty tokens")
        if now.tzinfo is None:
            raise ValueError("clock must return aware datetimes")
        return cls(access, refresh, now, now + timedelta(seconds=int(text)))

    def remaining(self, now: datetime) -> timedelta:
        return self.expires_at - now

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def refreshable(self, now: datetime, window: timedelta = REFRESH_WINDOW) -> bool:
        """Exact accepts a refresh only in the access token's last ``window`` (30 s) or after expiry."""
        return now >= self.expires_at - window


@dataclass(frozen=True)
class Callback:
    code: str = field(repr=False)
    state: str | None


def parse_callback(url_or_query: str, *, expected_state: str | None = None) -> Callback:
    """Read Exact's redirect (``…?code=…&state=…``). The code is URL-decoded here, exactly once.

    Raises :class:`AuthorizationDenied` when the user refused, or when ``state`` does not match.
    """
    query = urlsplit(url_or_query).query if "?" in url_or_query or "://" in url_or_query else url_or_query
    params = parse_qs(query.lstrip("?"), keep_blank_values=True)
    state = params.get("state", [None])[0]
    if expected_state is not None and state != expected_state:
        raise AuthorizationDenied("state does not match the one we issued")
    if "error" in params:
        raise AuthorizationDenied(f"authorization refused: {params['error'][0]}")
    codes = params.get("code")
    if not codes or not codes[0]:
        raise AuthorizationDenied("callback carries no code")
    return Callback(code=codes[0], state=state)


class OAuthClient:
    """Exact's two OAuth endpoints for one registered app."""

    def __init__(
        self,
        config: ExactConfig,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
    ):
        self.config = config
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri
        self._transport = config.make_transport()

    def __repr__(self) -> str:
        return f"OAuthClient(client_id={self.client_id!r}, root={self.config.root!r})"

    def authorization_url(self, state: str, *, force_login: bool = False) -> str:
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "state": state,
                "force_login": "1" if force_login else "0",
            }
        )
        return f"{self.config.auth_url}?{query}"

    def exchange_code(self, code: str) -> TokenSet:
        """Trade a decoded authorization code (see :func:`parse_callback`) for a token pair."""
        return self._token_call({"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri})

    def refresh(self, refresh_token: str) -> TokenSet:
        """Spend ``refresh_token`` for a new pair. Store the result before anything else can fail."""
        return self._token_call({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token_call(self, fields: dict[str, str]) -> TokenSet:
        grant = fields["grant_type"]
        form = {**fields, "client_id": self.client_id, "client_secret": self._client_secret}
        request = self.config.request("POST", self.config.token_url, {"Accept": "application/json"}, data=form)
        request_id = uuid.uuid4().hex[:16]
        started = time.perf_counter()
        status: int | None = None
        try:
            # A token call changes state at Exact (codes are single use, refresh tokens rotate), so
            # it is sent once; a lost answer surfaces with outcome_unknown.
            response = send(self._transport, request, request_id=request_id)
            status = response.status_code
        finally:
            log.info(
                "exact token call",
                extra={
                    "exact_request_id": request_id,
                    "endpoint": "oauth2/token",
                    "grant_type": grant,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        error = classify(
            response.status_code,
            response.content,
            response.headers,
            method="POST",
            token_endpoint=True,
            request_id=request_id,
        )
        if error is not None:
            raise error
        try:
            payload = response.json()
        except ValueError:
            raise InvalidGrant("token endpoint answered something that is not JSON") from None
        # Issued "now", after the answer arrived: a little later than Exact's own stamp. That errs
        # towards refreshing late rather than early; early is the costly mistake (Exact refuses it
        # and may count the refresh token as spent), late only costs one 401 and a retry.
        return TokenSet.from_response(payload, self.config.clock())

    def close(self) -> None:
        self._transport.close()


@runtime_checkable
class TokenProvider(Protocol):
    """How :class:`~exactlink.client.ExactClient` gets bearer tokens.

    ``access_token()`` is called before every request and returns a token that is valid now
    (refreshing first if the provider decides so). When Exact answers 401 for that token the client
    calls ``on_access_token_rejected(token, error)``; the provider may refresh or re-read its store.
    If its next ``access_token()`` differs, the client sends the request once more.
    """

    def access_token(self) -> str: ...

    def on_access_token_rejected(self, token: str, error: AccessTokenExpired) -> None: ...


class StaticTokenProvider:
    """A fixed token: for scripts, the benchmark and tests."""

    def __init__(self, token: str):
        self._token = token

    def access_token(self) -> str:
        return self._token

    def on_access_token_rejected(self, token: str, error: AccessTokenExpired) -> None:
        return None


class MemoryTokenProvider:
    """A single-process provider: keeps a :class:`TokenSet` in memory and refreshes it in time.

    It refreshes only inside Exact's window (the last 30 s), under a lock so two threads never spend
    the same refresh token, and hands every new pair to ``on_new_tokens`` so the caller can persist
    it. Services with several processes need a provider that locks a shared row instead.
    """

    def __init__(
        self,
        oauth: OAuthClient,
        tokens: TokenSet,
        *,
        on_new_tokens: Callable[[TokenSet], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self._oauth = oauth
        self._tokens = tokens
        self._on_new = on_new_tokens
        self._clock = clock or oauth.config.clock
        self._lock = threading.Lock()

    @property
    def tokens(self) -> TokenSet:
        return self._tokens

    def access_token(self) -> str:
        with self._lock:
            if self._tokens.refreshable(self._clock()):
                self._refresh_locked()
            return self._tokens.access_token

    def on_access_token_rejected(self, token: str, error: AccessTokenExpired) -> None:
        with self._lock:
            if token == self._tokens.access_token and self._tokens.refreshable(self._clock()):
                self._refresh_locked()

    def _refresh_locked(self) -> None:
        new = self._oauth.refresh(self._tokens.refresh_token)
        self._tokens = new
        if self._on_new is not None:
            self._on_new(new)
