"""The token authority: authorization codes, token chains and their rules (reference §2).

It owns every piece of token state (codes, chains, the indexes from token to chain, the daily call
counts, the statistics) and changes it only through its methods; the backend calls them while holding
its lock and passes the time in. Refusals are raised as `OAuthError`; the handler renders them.

The choices Exact leaves open are listed in FIDELITY.md. Two token policies exist:

- ``strict`` (the default, and what a reset restores): a refresh asked too early is refused *and
  spends the refresh token*; once a pair is rotated the previous refresh token is dead, and using it
  revokes the whole authorization.
- ``grace`` (what a reseller reports, reference §2.6 and §10): a refresh asked too early is refused
  and the refresh token stays valid; the previous refresh token keeps working until the new pair is
  used (its access token on a REST call, or its refresh token at this endpoint), and using it in that
  time answers the same new pair again, as if the lost answer were sent a second time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .errors import OAuthError
from .formats import us_timestamp
from .models import App, AuthCode, TokenChain

ACCESS_TOKEN_LIFETIME = timedelta(seconds=600)
REFRESH_WINDOW = timedelta(seconds=30)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=3)
CHAIN_ID_MESSAGE = "Token is not allowed, because of invalid or empty chainId"
POLICIES = ("strict", "grace")


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int = int(ACCESS_TOKEN_LIFETIME.total_seconds())


@dataclass
class TokenStats:
    issued: int = 0
    refreshed: int = 0
    replayed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1

    def as_dict(self) -> dict[str, object]:
        return {
            "issued": self.issued,
            "refreshed": self.refreshed,
            "replayed": self.replayed,
            "rejected": dict(self.rejected),
        }


@dataclass(frozen=True)
class BearerCheck:
    """The outcome of checking an access token: its chain (when known) and why it failed, if it did."""

    chain: TokenChain | None
    reason: str | None


def new_code() -> str:
    # Shaped like the DotNetOpenAuth codes Exact used: contains "!" so it must be URL-encoded.
    return f"stampNL001.{secrets.token_urlsafe(24)}!{secrets.token_urlsafe(9)}"


def new_access_token() -> str:
    return "stampNL001." + secrets.token_urlsafe(48)


def new_refresh_token() -> str:
    return f"stampNL001.{secrets.token_urlsafe(24)}!{secrets.token_urlsafe(12)}"


def invalid_grant() -> OAuthError:
    return OAuthError(400, "invalid_grant", CHAIN_ID_MESSAGE, {"Reason": f"Unknown: {CHAIN_ID_MESSAGE}"})


class TokenAuthority:
    """Codes and token chains of one sandbox. Not thread-safe: the backend holds its lock around calls."""

    def __init__(self, policy: str = "strict") -> None:
        self.codes: dict[str, AuthCode] = {}
        self.chains: dict[int, TokenChain] = {}
        self.access_index: dict[str, int] = {}
        # refresh token -> (chain id, is it the chain's current refresh token)
        self.refresh_index: dict[str, tuple[int, bool]] = {}
        self.calls: dict[tuple[str, str, date], int] = {}
        self.stats = TokenStats()
        self._next_chain = 1
        self.policy = "strict"
        self.set_policy(policy)

    def set_policy(self, policy: str) -> None:
        if policy not in POLICIES:
            raise ValueError(f"token policy must be one of {', '.join(POLICIES)}")
        self.policy = policy

    # -- codes ---------------------------------------------------------------------------------
    def issue_code(self, client_id: str, redirect_uri: str, username: str, now: datetime) -> str:
        code = new_code()
        self.codes[code] = AuthCode(code, client_id, redirect_uri, username, now + CODE_LIFETIME)
        return code

    # -- the token endpoint --------------------------------------------------------------------
    def grant(self, app: App, form: dict[str, str], now: datetime, calls_per_day: int) -> TokenPair:
        """One call of the token endpoint by an authenticated app (grant type already checked)."""
        grant_type = form.get("grant_type", "")
        code = chain = None
        username = None
        if grant_type == "authorization_code":
            code = self.codes.get(form.get("code", ""))
            if code is not None and code.client_id == app.client_id:
                username = code.username
        else:
            ref = self.refresh_index.get(form.get("refresh_token", ""))
            if ref is not None and self.chains[ref[0]].client_id == app.client_id:
                chain = self.chains[ref[0]]
                username = chain.username
        if username is not None:  # attributable calls count against the user's daily limit
            self._count_call(app.client_id, username, now, calls_per_day)
        if grant_type == "authorization_code":
            return self._exchange(app, code, form.get("redirect_uri", ""), now)
        return self._refresh(app, chain, form.get("refresh_token", ""), now)

    def _count_call(self, client_id: str, username: str, now: datetime, calls_per_day: int) -> None:
        key = (client_id, username, now.date())
        calls = self.calls.get(key, 0)
        if calls >= calls_per_day:
            self.stats.reject("token_call_limit")
            raise OAuthError(
                429,
                "invalid_request",
                f"Too many token requests: at most {calls_per_day} per app per user per day.",
            )
        self.calls[key] = calls + 1

    def _exchange(self, app: App, code: AuthCode | None, redirect_uri: str, now: datetime) -> TokenPair:
        stats = self.stats
        if code is None or code.client_id != app.client_id:
            stats.reject("invalid_code")
            raise invalid_grant()
        if code.used:
            stats.reject("code_reused")
            raise invalid_grant()
        if now >= code.expires:
            stats.reject("code_expired")
            raise invalid_grant()
        if redirect_uri != code.redirect_uri:
            stats.reject("redirect_uri_mismatch")
            raise invalid_grant()
        code.used = True
        access, refresh = new_access_token(), new_refresh_token()
        chain = TokenChain(self._next_chain, app.client_id, code.username, access, now, refresh, now)
        self._next_chain += 1
        self.chains[chain.id] = chain
        self.access_index[access] = chain.id
        self.refresh_index[refresh] = (chain.id, True)
        stats.issued += 1
        return TokenPair(access, refresh)

    def _refresh(self, app: App, chain: TokenChain | None, token: str, now: datetime) -> TokenPair:
        stats = self.stats
        if not token:
            stats.reject("missing_refresh_token")
            raise OAuthError(400, "invalid_request")
        if chain is None:
            stats.reject("unknown_refresh_token")
            raise invalid_grant()
        _, current = self.refresh_index[token]
        expires = chain.refresh_issued + REFRESH_TOKEN_LIFETIME
        if current and now >= expires:  # asked again after expiry, the answer stays the same
            if chain.revoked_reason is None:
                self._revoke(chain, "refresh token expired")
            stats.reject("refresh_token_expired")
            raise OAuthError(
                400,
                "invalid_request",
                f"The refresh token expired at {us_timestamp(expires)} and it is now {us_timestamp(now)}.",
            )
        if self._replayable(chain, token, current):
            stats.replayed += 1
            return TokenPair(chain.access_token, chain.refresh_token)
        if not current or chain.revoked_reason is not None:
            if chain.revoked_reason is None:
                self._revoke(chain, "old refresh token used")
            stats.reject("old_refresh_token")
            raise OAuthError(401, "unauthorized_client", "Old refresh token used.")
        if now < chain.access_issued + ACCESS_TOKEN_LIFETIME - REFRESH_WINDOW:
            if self.policy == "strict":  # the stricter reading of an open question: the token is spent
                chain.revoked_reason = "refresh requested before the access token expired"
                self.refresh_index[token] = (chain.id, False)
            stats.reject("access_token_not_expired")
            raise OAuthError(401, "invalid_request", "Access Token not expired", {"Reason": "Access Token not expired"})
        self._rotate(chain, now)
        stats.refreshed += 1
        return TokenPair(chain.access_token, chain.refresh_token)

    def _replayable(self, chain: TokenChain, token: str, current: bool) -> bool:
        """Under the grace policy: the previous refresh token, while its successor pair is unused."""
        return (
            self.policy == "grace"
            and not current
            and chain.revoked_reason is None
            and token == chain.previous_refresh_token
            and not chain.pair_used
        )

    def _rotate(self, chain: TokenChain, now: datetime) -> None:
        access, refresh = new_access_token(), new_refresh_token()
        self.access_index.pop(chain.access_token, None)
        self.refresh_index[chain.refresh_token] = (chain.id, False)
        chain.previous_refresh_token = chain.refresh_token
        chain.access_token, chain.access_issued = access, now
        chain.refresh_token, chain.refresh_issued = refresh, now
        chain.pair_used = False
        self.access_index[access] = chain.id
        self.refresh_index[refresh] = (chain.id, True)

    def _revoke(self, chain: TokenChain, reason: str) -> None:
        chain.revoked_reason = reason
        self.access_index.pop(chain.access_token, None)

    # -- REST authentication and app removal ---------------------------------------------------
    def check_access_token(self, token: str, now: datetime) -> BearerCheck:
        """The chain of a live access token, or why the token fails."""
        chain_id = self.access_index.get(token)
        if chain_id is None:
            return BearerCheck(None, "The access token is invalid or revoked")
        chain = self.chains[chain_id]
        if now >= chain.access_issued + ACCESS_TOKEN_LIFETIME:
            return BearerCheck(chain, "The access token expired")
        return BearerCheck(chain, None)

    @staticmethod
    def mark_used(chain: TokenChain) -> None:
        """The chain's current pair served a call: under the grace policy the previous refresh token dies."""
        chain.pair_used = True

    def revoke_app(self, client_id: str) -> None:
        """An app was deleted: its tokens and codes stop working at once."""
        for chain in self.chains.values():
            if chain.client_id == client_id and chain.revoked_reason is None:
                self._revoke(chain, "app deleted")
        self.codes = {k: v for k, v in self.codes.items() if v.client_id != client_id}

    def active_authorizations(self) -> int:
        return sum(chain.revoked_reason is None for chain in self.chains.values())

    def calls_on(self, day: date) -> list[dict[str, object]]:
        return [{"client_id": k[0], "user": k[1], "calls": n} for k, n in self.calls.items() if k[2] == day]
