"""Driving the local Exact Online sandbox from the client tests: its control API and its clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape

import httpx

from exactlink import (
    ExactClient,
    ExactConfig,
    Governor,
    InMemoryStore,
    MemoryTokenProvider,
    OAuthClient,
    RetryPolicy,
    TokenSet,
)
from exactlink.oauth import parse_callback

REDIRECT_URI = "http://localhost:8000/oauth.ashx?provider=25"
DEMO_USER, DEMO_PASSWORD = "demo@exact.example", "demo"
BRANCH_USER = "filiaal@exact.example"
MAIN, BRANCH = 7001, 7002


class SandboxTime:
    """The sandbox's frozen clock, mirrored locally. ``sleep`` moves the sandbox clock, never waits."""

    def __init__(self, control: httpx.Client):
        self.control = control
        self.sleeps: list[float] = []
        self.now = self._read(control.get("/_sandbox/clock"))

    @staticmethod
    def _read(response: httpx.Response) -> datetime:
        response.raise_for_status()
        return datetime.fromisoformat(response.json()["now"]).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self._read(self.control.post("/_sandbox/clock", json={"advance": seconds}))

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)


class NoJitter(RetryPolicy):
    def jitter(self, ceiling: float) -> float:
        return ceiling


@dataclass
class App:
    client_id: str
    client_secret: str
    redirect_uri: str


class Sandbox:
    """A reset sandbox seen from the client's side: frozen clock at 12:00:11 UTC today, one registered app."""

    def __init__(self, base_url: str, backend: object | None = None):
        self.base_url = base_url.rstrip("/")
        self.backend = backend  # in-process state, only for what the control API cannot do
        self.control = httpx.Client(base_url=self.base_url, timeout=10)
        today = datetime.now(UTC).replace(hour=12, minute=0, second=11, microsecond=0)
        self.control.post("/_sandbox/clock", json={"mode": "frozen", "set": today.isoformat()}).raise_for_status()
        self.time = SandboxTime(self.control)
        self.config = ExactConfig(base_url=self.base_url, clock=self.time, timeout=5.0)
        self.app = self.register_app()

    def close(self) -> None:
        self.control.close()

    def register_app(self, redirect_uri: str = REDIRECT_URI) -> App:
        r = self.control.post("/_sandbox/apps", json={"name": "ledgerlink test", "redirect_uri": redirect_uri})
        r.raise_for_status()
        data = r.json()
        return App(data["client_id"], data["client_secret"], redirect_uri)

    def oauth(self, app: App | None = None, secret: str | None = None) -> OAuthClient:
        app = app or self.app
        return OAuthClient(self.config, app.client_id, secret or app.client_secret, app.redirect_uri)

    def code(self, user: str = DEMO_USER, state: str = "st-1", app: App | None = None) -> str:
        """A code via the control API (no browser), read from the redirect URL like a real callback."""
        app = app or self.app
        r = self.control.post(
            "/_sandbox/authorize",
            json={"client_id": app.client_id, "redirect_uri": app.redirect_uri, "user": user, "state": state},
        )
        r.raise_for_status()
        return parse_callback(r.json()["redirect_url"], expected_state=state).code

    def tokens(self, user: str = DEMO_USER) -> TokenSet:
        return self.oauth().exchange_code(self.code(user))

    def client(self, user: str = DEMO_USER, **kwargs) -> ExactClient:
        oauth = self.oauth()
        provider = kwargs.pop("provider", None) or MemoryTokenProvider(oauth, oauth.exchange_code(self.code(user)))
        kwargs.setdefault("retry", NoJitter())
        kwargs.setdefault("sleep", self.time.sleep)
        kwargs.setdefault("governor", Governor(InMemoryStore(), clock=self.time, sleep=kwargs["sleep"]))
        return ExactClient(self.config, provider, client_id=self.app.client_id, **kwargs)

    def state(self) -> dict:
        return self.control.get("/_sandbox/state").json()

    def entries(self, division: int = MAIN) -> list[dict]:
        return self.control.get(f"/_sandbox/entries/{division}").json()["entries"]

    def limits(self, **values: int) -> None:
        self.control.post("/_sandbox/limits", json=values).raise_for_status()

    def fault(self, **spec: object) -> None:
        self.control.post("/_sandbox/faults", json=spec).raise_for_status()


def form_fields(html: str) -> dict[str, str]:
    """The hidden inputs of the first form on a sandbox page, as a browser would send them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if name and kind and kind.group(1) == "hidden":
            fields[unescape(name.group(1))] = unescape(value.group(1)) if value else ""
    return fields
