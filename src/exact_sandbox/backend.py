"""The sandbox backend: all state, its lock, reset, apps and users. One instance per served sandbox.

Thread safety: every read or write of state happens under `Backend.lock` (an RLock). Handlers build
plain row dicts while holding it and render them after releasing it.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from .clock import SandboxClock
from .faults import FaultRegistry
from .formats import local_date
from .models import App, AuthCode, Division, TokenChain, User
from .ratelimit import ErrorBudget, Limits, RateLimiter
from .seed import build_division, build_divisions, build_users


class AppError(ValueError):
    """A registration the App Center refuses; the message is shown to the user."""


@dataclass
class TokenStats:
    issued: int = 0
    refreshed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1

    def as_dict(self) -> dict[str, object]:
        return {"issued": self.issued, "refreshed": self.refreshed, "rejected": dict(self.rejected)}


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


class Backend:
    def __init__(self, clock: SandboxClock | None = None, limits: Limits | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or SandboxClock()
        self.faults = FaultRegistry()
        self._initial_limits = limits or Limits()
        self.reset(restore_clock=False)

    # -- lifecycle -----------------------------------------------------------------------------
    def reset(self, restore_clock: bool = True) -> None:
        with self.lock:
            if restore_clock:
                self.clock.restore()
            now = self.clock.now()
            self.limits = Limits(**vars(self._initial_limits))
            self.rate_limiter = RateLimiter(self.limits)
            self.error_budget = ErrorBudget(self.limits)
            self.users: dict[str, User] = build_users()
            self.divisions: dict[int, Division] = build_divisions(local_date(now))
            self.apps: dict[str, App] = {}
            self.sessions: dict[str, str] = {}
            self.codes: dict[str, AuthCode] = {}
            self.chains: dict[int, TokenChain] = {}
            self.access_index: dict[str, int] = {}
            # refresh token -> (chain id, is it the chain's current refresh token)
            self.refresh_index: dict[str, tuple[int, bool]] = {}
            self.token_calls: dict[tuple[str, str, date], int] = {}
            self.token_stats = TokenStats()
            self.faults.clear()
            self._next_chain = 1
            self.generation = getattr(self, "generation", 0) + 1  # lets caches know the state was replaced

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
            division = build_division(code, description, len(self.divisions) + 1, local_date(self.clock.now()))
            self.divisions[code] = division
            for name in usernames:
                self.users[name].divisions.append(code)
            self.generation += 1
            return division

    def now(self) -> datetime:
        return self.clock.now()

    def set_limits(self, **values: int) -> Limits:
        with self.lock:
            for name, value in values.items():
                if not hasattr(self.limits, name):
                    raise ValueError(f"unknown limit {name!r}")
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{name} must be a non-negative integer")
                setattr(self.limits, name, value)
            return self.limits

    def next_chain_id(self) -> int:
        with self.lock:
            chain_id = self._next_chain
            self._next_chain += 1
            return chain_id

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

    def delete_app(self, client_id: str) -> bool:
        """Delete an app; its tokens and codes stop working at once."""
        client_id = normalize_client_id(client_id)
        with self.lock:
            if self.apps.pop(client_id, None) is None:
                return False
            for chain in self.chains.values():
                if chain.client_id == client_id and chain.revoked_reason is None:
                    chain.revoked_reason = "app deleted"
                    self.access_index.pop(chain.access_token, None)
            self.codes = {k: v for k, v in self.codes.items() if v.client_id != client_id}
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

    # -- divisions -----------------------------------------------------------------------------
    def division(self, code: int) -> Division | None:
        return self.divisions.get(code)
