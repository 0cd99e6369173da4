"""The sandbox backend: all state, its lock, and every operation on it. One instance per served sandbox.

Handlers (`handlers/`) parse a request, call one of these methods and render what it returns or
raises (`errors`); they never touch the state themselves. The rules live in small modules the
backend delegates to: `oauth` (token chains), `ratelimit` (limits and error budget), `posting`
(entries), `entities` (rows).

Thread safety: every read or write of state happens under `Backend.lock` (an RLock). Operations
return plain rows or immutable objects, so rendering happens after the lock is released.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from . import entities as E
from .clock import SandboxClock
from .errors import Forbidden, NotFound, OAuthError, RateLimited, SandboxError, Unauthorized
from .faults import FaultRegistry
from .formats import local_date
from .latency import Latency, LatencySetting
from .models import App, Division, Entry, User
from .oauth import TokenAuthority, TokenPair
from .posting import ValidationError, delete_entry, post_entry, post_line
from .ratelimit import BudgetKey, ErrorBudget, Limits, RateLimiter
from .seed import build_division, build_divisions, build_users

Row = dict[str, object]


class AppError(ValueError):
    """A registration the App Center refuses; the message is shown to the user."""


def normalize_client_id(value: str) -> str:
    """Exact's client IDs are GUIDs; some configs keep them in braces ({…}) or upper case."""
    return value.strip().strip("{}").lower()


def is_local_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in ("localhost", "127.0.0.1") or host.endswith(".localhost")


def validate_redirect_uri(uri: str) -> str:
    uri = uri.strip()
    if not uri:
        raise AppError("Redirect URI is required.")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AppError("Redirect URI must be an absolute URL starting with https://.")
    if parts.fragment:
        raise AppError("Redirect URI must not contain a fragment (#…).")
    if parts.scheme == "http" and not is_local_host(parts.hostname):
        raise AppError(
            "Redirect URI must use https. The sandbox accepts http only for localhost, *.localhost and 127.0.0.1."
        )
    return uri


@dataclass(frozen=True)
class Admission:
    """A REST call let through: who makes it, in which division, and what to count it against."""

    user: User
    division: Division
    budget_key: BudgetKey
    headers: dict[str, str]  # the six rate-limit headers after counting this call


class Backend:
    def __init__(self, clock: SandboxClock | None = None, limits: Limits | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or SandboxClock()
        self.faults = FaultRegistry()
        self.latency = Latency()
        self._initial_limits = limits or Limits()
        self.generation = 0
        self.reset(restore_clock=False)

    # -- lifecycle -----------------------------------------------------------------------------
    def reset(self, restore_clock: bool = True, clock: datetime | None = None) -> None:
        """Back to the seed: data, apps, tokens, counters, limits, faults, latency, token policy, clock."""
        with self.lock:
            if restore_clock:
                self.clock.restore()
            if clock is not None:
                self.clock.set(clock)
            now = self.clock.now()
            self.limits = Limits(**vars(self._initial_limits))
            self.rate_limiter = RateLimiter(self.limits)
            self.error_budget = ErrorBudget(self.limits)
            self.tokens = TokenAuthority()
            self.users: dict[str, User] = build_users()
            self.divisions: dict[int, Division] = build_divisions(local_date(now))
            self.apps: dict[str, App] = {}
            self.sessions: dict[str, str] = {}
            self._row_cache: dict[tuple[int, str], tuple[int, list[Row]]] = {}
            self._cache_generation = -1
            self.faults.clear()
            self.latency.off()
            self.generation += 1  # lets caches know the state was replaced

    def now(self) -> datetime:
        return self.clock.now()

    def set_limits(self, **values: object) -> Limits:
        with self.lock:
            for name, value in values.items():
                if not hasattr(self.limits, name):
                    raise ValueError(f"unknown limit {name!r}")
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer")
                setattr(self.limits, name, value)
            return self.limits

    def set_latency(self, ms: object, jitter_ms: object = 0) -> LatencySetting:
        return self.latency.set(ms, jitter_ms)

    def set_token_policy(self, policy: str) -> str:
        with self.lock:
            self.tokens.set_policy(policy)
            return self.tokens.policy

    def token_policy(self) -> str:
        with self.lock:
            return self.tokens.policy

    def snapshot(self) -> dict[str, object]:
        """Everything the control API's `GET state` shows."""
        with self.lock:
            now = self.now()
            divisions = []
            for division in self.divisions.values():
                entries = list(division.entries.values())
                divisions.append(
                    {
                        "code": division.code,
                        "description": division.description,
                        "entries": {
                            kind: sum(e.kind == kind for e in entries) for kind in ("general", "sales", "purchase")
                        },
                        "transaction_lines": sum(len(e.transaction_lines) for e in entries),
                        "closed_periods": [
                            f"{y}/{p}" for (y, p), period in sorted(division.periods.items()) if period.closed
                        ],
                    }
                )
            return {
                "now": now.isoformat(),
                "clock_mode": self.clock.mode,
                "limits": vars(self.limits).copy(),
                "latency": self.latency.setting.as_dict(),
                "token_policy": self.tokens.policy,
                "apps": [app_json(app) for app in self.apps.values()],
                "users": [
                    {"username": u.username, "divisions": u.divisions, "current_division": u.current_division}
                    for u in self.users.values()
                ],
                "divisions": divisions,
                "tokens": {
                    **self.tokens.stats.as_dict(),
                    "active_authorizations": self.tokens.active_authorizations(),
                    "calls_today": self.tokens.calls_on(now.date()),
                },
                "rate_limits": self.rate_limiter.snapshot(now),
                "error_budget": self.error_budget.snapshot(now),
                "faults": self.faults.pending(),
            }

    # -- divisions and periods -----------------------------------------------------------------
    def division(self, code: int) -> Division | None:
        return self.divisions.get(code)

    def add_division(self, code: int, description: str, usernames: list[str]) -> Division:
        """A further division seeded like the others, given to the named users (control API only)."""
        if code <= 0:
            raise ValueError("a division code is a positive number")
        with self.lock:
            if code in self.divisions:
                raise ValueError(f"division {code} exists")
            unknown = [name for name in usernames if name not in self.users]
            if unknown:
                raise ValueError(f"unknown users: {', '.join(unknown)}")
            division = build_division(code, description, len(self.divisions) + 1, local_date(self.now()))
            self.divisions[code] = division
            for name in usernames:
                self.users[name].divisions.append(code)
            self.generation += 1
            return division

    def set_period_closed(self, division_code: int, year: int, period: int, closed: bool) -> None:
        with self.lock:
            division = self.divisions.get(division_code)
            if division is None or (year, period) not in division.periods:
                raise LookupError(f"no period {year}/{period} in division {division_code}")
            division.periods[(year, period)].closed = closed

    def entries_of(self, division_code: int) -> tuple[Division, list[Entry]]:
        """A division's entries in posting order (entries never change once stored)."""
        with self.lock:
            division = self.divisions.get(division_code)
            if division is None:
                raise LookupError(f"no division {division_code}")
            return division, sorted(division.entries.values(), key=lambda e: (e.created, e.entry_number))

    # -- apps ----------------------------------------------------------------------------------
    def register_app(self, name: str, redirect_uri: str, unique_name: bool = True) -> App:
        """Register an app. The App Center page enforces unique names (as Exact does per country site);
        the control API does not, so a demo can register again against a sandbox that kept running."""
        name = name.strip()
        if not name:
            raise AppError("Name is required.")
        if len(name) > 100:
            raise AppError("Name must be at most 100 characters.")
        redirect_uri = validate_redirect_uri(redirect_uri)
        with self.lock:
            if unique_name and any(app.name.lower() == name.lower() for app in self.apps.values()):
                raise AppError(f"An app named '{name}' already exists.")
            app = App(
                client_id=str(uuid.uuid4()),
                name=name,
                redirect_uri=redirect_uri,
                client_secret=secrets.token_urlsafe(12),
                webhook_secret=secrets.token_hex(16),
                created=self.now(),
            )
            self.apps[app.client_id] = app
            return app

    def get_app(self, client_id: str | None) -> App | None:
        if not client_id:
            return None
        with self.lock:
            return self.apps.get(normalize_client_id(client_id))

    def list_apps(self) -> list[App]:
        with self.lock:
            return sorted(self.apps.values(), key=lambda a: a.created)

    def delete_app(self, client_id: str) -> bool:
        """Delete an app; its tokens and codes stop working at once."""
        client_id = normalize_client_id(client_id)
        with self.lock:
            if self.apps.pop(client_id, None) is None:
                return False
            self.tokens.revoke_app(client_id)
            return True

    # -- users and sessions --------------------------------------------------------------------
    def authenticate_user(self, username: str, password: str) -> User | None:
        with self.lock:
            user = self.users.get(username.strip().lower())
        if user is None or not secrets.compare_digest(user.password, password):
            return None
        return user

    def get_user(self, username: str | None) -> User | None:
        if not username:
            return None
        with self.lock:
            return self.users.get(username.strip().lower())

    def open_session(self, username: str) -> str:
        session_id = secrets.token_urlsafe(24)
        with self.lock:
            self.sessions[session_id] = username
        return session_id

    def session_user(self, session_id: str | None) -> User | None:
        if not session_id:
            return None
        with self.lock:
            return self.get_user(self.sessions.get(session_id))

    def division_names(self, user: User) -> list[str]:
        """'7001 Demo Retail BV' for each division the user may use (the consent page lists them)."""
        with self.lock:
            return [f"{code} {self.divisions[code].description}" for code in user.divisions if code in self.divisions]

    # -- OAuth ---------------------------------------------------------------------------------
    def issue_code(self, app: App, redirect_uri: str, user: User) -> str:
        with self.lock:
            return self.tokens.issue_code(app.client_id, redirect_uri, user.username, self.now())

    def token(self, form: dict[str, str], client_id: str, client_secret: str) -> TokenPair:
        """The token endpoint: exchange a code or refresh a token. Raises OAuthError."""
        with self.lock:
            app = self.get_app(client_id)
            if app is None or not secrets.compare_digest(app.client_secret, client_secret):
                self.tokens.stats.reject("invalid_client")
                raise OAuthError(400, "invalid_client")
            if form.get("grant_type", "") not in ("authorization_code", "refresh_token"):
                self.tokens.stats.reject("unsupported_grant_type")
                raise OAuthError(400, "unsupported_grant_type")
            return self.tokens.grant(app, form, self.now(), self.limits.token_calls_per_day)

    # -- REST: admission -----------------------------------------------------------------------
    def admit(self, access_token: str | None, scope: str, endpoint: str) -> Admission:
        """The checks before any REST endpoint, in Exact's order (FIDELITY.md, choice 6): bearer token
        (401), error-budget block (403), division access (403), rate limit (429). `scope` is the
        division segment of the path, or "current" for current/Me. Refusals raise."""
        with self.lock:
            now = self.now()
            if access_token is None:
                raise _unauthorized("No access token provided")
            check = self.tokens.check_access_token(access_token, now)
            chain = check.chain
            if check.reason is not None:
                if chain is not None:  # an expired token can be attributed; unknown ones cannot
                    self.error_budget.record((chain.client_id, chain.username, scope, endpoint), 401, now)
                raise _unauthorized(check.reason)
            assert chain is not None
            user = self.users.get(chain.username)
            if chain.client_id not in self.apps or user is None:
                raise _unauthorized("The access token is invalid or revoked")
            self.tokens.mark_used(chain)
            budget_key = (chain.client_id, user.username, scope, endpoint)
            division_code = user.current_division if scope == "current" else _division_number(scope)
            rate_key = (chain.client_id, division_code if division_code is not None else -1)
            until = self.error_budget.blocked_until(budget_key, now)
            if until is not None:
                raise Forbidden(
                    f"The app is blocked for endpoint '{endpoint}' until {until.isoformat()} because it made more "
                    f"than {self.limits.errors_per_hour} failing calls (400, 401, 403, 404) within an hour.",
                    headers=self.rate_limiter.headers(rate_key, now),
                )
            division = self.divisions.get(division_code) if division_code is not None else None
            if division is None or division.code not in user.divisions:
                self.error_budget.record(budget_key, 403, now)
                headers = self.rate_limiter.headers(rate_key, now) if division_code is not None else {}
                raise Forbidden(f"Forbidden: user {user.username} has no access to division {scope}.", headers=headers)
            decision = self.rate_limiter.take(rate_key, now)
            if not decision.allowed:
                raise RateLimited(decision.headers)
            return Admission(user, division, budget_key, decision.headers)

    def exhausted_window_headers(self, window: str) -> dict[str, str]:
        """What an injected 429 carries: the spent window's three headers (remaining 0)."""
        with self.lock:
            return self.rate_limiter.exhausted_headers(window, self.now())

    def record_answer(self, admission: Admission, status: int) -> None:
        """Count an admitted call's answer against the error budget (400, 401, 403, 404 count)."""
        with self.lock:
            self.error_budget.record(admission.budget_key, status, self.now())

    # -- REST: reading -------------------------------------------------------------------------
    def me_row(self, user: User, division: Division) -> Row:
        with self.lock:
            return E.me_row(user, division, self.now())

    def rows(self, division: Division, user: User, eset: E.EntitySet) -> list[Row]:
        """Typed rows of a set. A division's rows depend only on its data, so they are cached until the
        division changes (`Division.version`); callers must not mutate them."""
        with self.lock:
            if eset.build_many is not None:  # sets about the divisions themselves
                if eset.all_divisions:
                    divisions = list(self.divisions.values())
                else:
                    divisions = [self.divisions[c] for c in user.divisions if c in self.divisions]
                return eset.build_many(divisions, user, self.now())
            assert eset.build is not None
            if self._cache_generation != self.generation:  # tests and add_division bump it
                self._row_cache, self._cache_generation = {}, self.generation
            key = (division.code, eset.name)
            version = division.version if eset.volatile else 0  # reference data never changes
            cached = self._row_cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            rows = eset.build(division, user, self.now())
            self._row_cache[key] = (version, rows)
            return rows

    # -- REST: writing -------------------------------------------------------------------------
    def post(self, division: Division, user: User, eset: E.EntitySet, body: dict[str, object]) -> Row:
        """Validate and store an entry (its header row), or one line of an existing entry on a line set
        that takes them (the line's row). Raises ConversionError / ValidationError."""
        with self.lock:
            if eset.line_of is not None:
                entry, line = post_line(eset.line_of, division, user, body, self.now())
                return E.gje_line_row(division, entry, line)
            assert eset.entry_kind is not None
            entry = post_entry(eset.entry_kind, division, user, body, self.now())
            return E.entry_row(division, entry)

    def delete(self, division: Division, eset: E.EntitySet, entry_id: object) -> None:
        """Remove an entry and its ledger lines; NotFound if there is none, 400 if its period is closed."""
        assert eset.entry_kind is not None
        with self.lock:
            try:
                removed = delete_entry(division, eset.entry_kind, entry_id) if isinstance(entry_id, uuid.UUID) else None
            except ValidationError as exc:
                raise SandboxError(exc.messages) from None
        if removed is None:
            raise NotFound(f"Not found: {eset.name}({entry_id})")


def app_json(app: App, secrets: bool = False) -> dict[str, object]:
    data: dict[str, object] = {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uri": app.redirect_uri,
        "created": app.created.isoformat(),
    }
    if secrets:
        data.update(client_secret=app.client_secret, webhook_secret=app.webhook_secret)
    return data


def _unauthorized(reason: str) -> Unauthorized:
    text = quote(reason, safe="")
    return Unauthorized(
        reason,
        headers={"WWW-Authenticate": f'Bearer realm="Exact Online", error="invalid_token", error_description="{text}"'},
    )


def _division_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
