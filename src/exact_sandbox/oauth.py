"""OAuth rules: authorization codes, the token endpoint, and bearer authentication of REST calls.

Reference §2. Everything time-based reads the backend clock. The choices Exact leaves open are the
strict ones, each listed in FIDELITY.md:
- a refresh asked too early is refused *and spends the refresh token* (the access token keeps working
  until it expires; afterwards the connection needs a new authorization);
- reusing a rotated-out refresh token revokes the whole authorization (access and refresh tokens);
- a refresh rotates both tokens; the previous access token stops working at once;
- the 201st token call of an app and user on one UTC day gets 429 with an OAuth error body.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

from .backend import Backend
from .formats import us_timestamp
from .models import App, AuthCode, TokenChain, User

ACCESS_TOKEN_LIFETIME = timedelta(seconds=600)
REFRESH_WINDOW = timedelta(seconds=30)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=3)
CHAIN_ID_MESSAGE = "Token is not allowed, because of invalid or empty chainId"


@dataclass
class OAuthAnswer:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, payload: dict[str, str], **headers: str) -> OAuthAnswer:
    base = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "Pragma": "no-cache"}
    return OAuthAnswer(status, json.dumps(payload, separators=(",", ":")), {**base, **headers})


def _invalid_grant() -> OAuthAnswer:
    # The spacing is Exact's own (picqer#471): a space after "{" and before "}".
    body = '{ "error":"invalid_grant","error_description":"' + CHAIN_ID_MESSAGE + '" }'
    return OAuthAnswer(
        400,
        body,
        {
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "no-store",
            "Reason": f"Unknown: {CHAIN_ID_MESSAGE}",
        },
    )


def new_code() -> str:
    # Shaped like the DotNetOpenAuth codes Exact used: contains "!" so it must be URL-encoded.
    return f"stampNL001.{secrets.token_urlsafe(24)}!{secrets.token_urlsafe(9)}"


def new_access_token() -> str:
    return "stampNL001." + secrets.token_urlsafe(48)


def new_refresh_token() -> str:
    return f"stampNL001.{secrets.token_urlsafe(24)}!{secrets.token_urlsafe(12)}"


def issue_code(backend: Backend, app: App, redirect_uri: str, user: User) -> str:
    code = new_code()
    with backend.lock:
        backend.codes[code] = AuthCode(code, app.client_id, redirect_uri, user.username, backend.now() + CODE_LIFETIME)
    return code


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str, str]:
    if authorization and authorization[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


def _issue(backend: Backend, chain: TokenChain | None, app: App, username: str, now: datetime) -> TokenChain:
    access, refresh = new_access_token(), new_refresh_token()
    if chain is None:
        chain = TokenChain(backend.next_chain_id(), app.client_id, username, access, now, refresh, now)
        backend.chains[chain.id] = chain
    else:
        backend.access_index.pop(chain.access_token, None)
        backend.refresh_index[chain.refresh_token] = (chain.id, False)
        chain.access_token, chain.access_issued = access, now
        chain.refresh_token, chain.refresh_issued = refresh, now
    backend.access_index[access] = chain.id
    backend.refresh_index[refresh] = (chain.id, True)
    return chain


def _token_body(chain: TokenChain) -> OAuthAnswer:
    return _json(
        200,
        {
            "access_token": chain.access_token,
            "token_type": "bearer",
            "expires_in": str(int(ACCESS_TOKEN_LIFETIME.total_seconds())),
            "refresh_token": chain.refresh_token,
        },
    )


def _revoke(backend: Backend, chain: TokenChain, reason: str) -> None:
    chain.revoked_reason = reason
    backend.access_index.pop(chain.access_token, None)


def token_endpoint(backend: Backend, form: dict[str, str], authorization: str | None) -> OAuthAnswer:
    """POST /api/oauth2/token (form-encoded; client credentials in the body or HTTP Basic)."""
    stats = backend.token_stats
    with backend.lock:
        now = backend.now()
        grant_type = form.get("grant_type", "")
        client_id, secret = _client_credentials(form, authorization)
        app = backend.get_app(client_id)
        if app is None or not secrets.compare_digest(app.client_secret, secret):
            stats.reject("invalid_client")
            return _json(400, {"error": "invalid_client"})
        if grant_type not in ("authorization_code", "refresh_token"):
            stats.reject("unsupported_grant_type")
            return _json(400, {"error": "unsupported_grant_type"})

        # Who is calling? Needed for the per-user daily limit; unknown codes/tokens cannot be attributed.
        code = refresh_chain = None
        username = None
        if grant_type == "authorization_code":
            code = backend.codes.get(form.get("code", ""))
            if code is not None and code.client_id == app.client_id:
                username = code.username
        else:
            ref = backend.refresh_index.get(form.get("refresh_token", ""))
            if ref is not None and backend.chains[ref[0]].client_id == app.client_id:
                refresh_chain = backend.chains[ref[0]]
                username = refresh_chain.username
        if username is not None:
            day_key = (app.client_id, username, now.date())
            calls = backend.token_calls.get(day_key, 0)
            if calls >= backend.limits.token_calls_per_day:
                stats.reject("token_call_limit")
                return _json(
                    429,
                    {
                        "error": "invalid_request",
                        "error_description": f"Too many token requests: at most {backend.limits.token_calls_per_day} "
                        "per app per user per day.",
                    },
                )
            backend.token_calls[day_key] = calls + 1

        if grant_type == "authorization_code":
            return _exchange_code(backend, app, code, form, now)
        return _refresh(backend, app, refresh_chain, form, now)


def _exchange_code(
    backend: Backend, app: App, code: AuthCode | None, form: dict[str, str], now: datetime
) -> OAuthAnswer:
    stats = backend.token_stats
    if code is None or code.client_id != app.client_id:
        stats.reject("invalid_code")
        return _invalid_grant()
    if code.used:
        stats.reject("code_reused")
        return _invalid_grant()
    if now >= code.expires:
        stats.reject("code_expired")
        return _invalid_grant()
    if form.get("redirect_uri", "") != code.redirect_uri:
        stats.reject("redirect_uri_mismatch")
        return _invalid_grant()
    code.used = True
    chain = _issue(backend, None, app, code.username, now)
    stats.issued += 1
    return _token_body(chain)


def _refresh(backend: Backend, app: App, chain: TokenChain | None, form: dict[str, str], now: datetime) -> OAuthAnswer:
    stats = backend.token_stats
    token = form.get("refresh_token", "")
    if not token:
        stats.reject("missing_refresh_token")
        return _json(400, {"error": "invalid_request"})
    if chain is None:
        stats.reject("unknown_refresh_token")
        return _invalid_grant()
    _, current = backend.refresh_index[token]
    expires = chain.refresh_issued + REFRESH_TOKEN_LIFETIME
    if current and now >= expires:  # asked again after expiry, the answer stays the same
        if chain.revoked_reason is None:
            _revoke(backend, chain, "refresh token expired")
        stats.reject("refresh_token_expired")
        return _json(
            400,
            {
                "error": "invalid_request",
                "error_description": f"The refresh token expired at {us_timestamp(expires)} and it is now "
                f"{us_timestamp(now)}.",
            },
        )
    if not current or chain.revoked_reason is not None:
        if chain.revoked_reason is None:
            _revoke(backend, chain, "old refresh token used")
        stats.reject("old_refresh_token")
        return _json(401, {"error": "unauthorized_client", "error_description": "Old refresh token used."})
    if now < chain.access_issued + ACCESS_TOKEN_LIFETIME - REFRESH_WINDOW:
        # Stricter reading of an open question: the refused refresh token is spent.
        chain.revoked_reason = "refresh requested before the access token expired"
        backend.refresh_index[token] = (chain.id, False)
        stats.reject("access_token_not_expired")
        return _json(
            401,
            {"error": "invalid_request", "error_description": "Access Token not expired"},
            Reason="Access Token not expired",
        )
    _issue(backend, chain, app, chain.username, now)
    stats.refreshed += 1
    return _token_body(chain)


@dataclass
class BearerResult:
    chain: TokenChain | None
    user: User | None
    reason: str | None  # set when authentication failed

    @property
    def ok(self) -> bool:
        return self.reason is None

    def www_authenticate(self) -> str:
        text = quote(self.reason or "", safe="")
        return f'Bearer realm="Exact Online", error="invalid_token", error_description="{text}"'


def authenticate_bearer(backend: Backend, authorization: str | None) -> BearerResult:
    if not authorization or authorization[:7].lower() != "bearer ":
        return BearerResult(None, None, "No access token provided")
    token = authorization[7:].strip()
    with backend.lock:
        chain_id = backend.access_index.get(token)
        if chain_id is None:
            return BearerResult(None, None, "The access token is invalid or revoked")
        chain = backend.chains[chain_id]
        user = backend.get_user(chain.username)
        if backend.now() >= chain.access_issued + ACCESS_TOKEN_LIFETIME:
            return BearerResult(chain, user, "The access token expired")
        if chain.client_id not in backend.apps or user is None:
            return BearerResult(None, None, "The access token is invalid or revoked")
        return BearerResult(chain, user, None)
