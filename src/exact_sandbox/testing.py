"""A handle on a running sandbox for tests and benchmarks: its URL plus a small control client.

Everything goes through the HTTP control API (`/_sandbox/…`), so the same handle works for a sandbox in
a background thread, one mounted in-process through `httpx.WSGITransport`, and one in another process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import httpx

from .app import SandboxApp
from .faults import DropConnection
from .seed import DEMO_USER

DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"


class SandboxTransport(httpx.WSGITransport):
    """In-process transport; a dropped connection becomes the error a real socket would give."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except DropConnection as exc:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request) from exc


class SandboxHandle:
    """What the `exact_sandbox` fixture yields.

    Attributes: `base_url` (e.g. ``http://127.0.0.1:54321``), `app` (the WSGI app when in-process or
    served by this process, else None). Methods: see below; all return plain JSON-shaped data.
    """

    def __init__(
        self, base_url: str, app: SandboxApp | None = None, control: httpx.Client | None = None, served: bool = True
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app = app
        self.served = served  # False: only reachable in-process
        self._control = control or httpx.Client(base_url=self.base_url, timeout=10)

    # -- clients -------------------------------------------------------------------------------
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport that calls the app in-process (no socket). Needs `app`."""
        if self.app is None:
            raise RuntimeError("this sandbox runs in another process; use base_url")
        return SandboxTransport(app=self.app)

    def client(self, in_process: bool = False, **kwargs: Any) -> httpx.Client:
        """An httpx client for the sandbox: over loopback HTTP, or in-process with `in_process=True`."""
        if in_process or not self.served:
            kwargs.setdefault("transport", self.transport())
        return httpx.Client(base_url=self.base_url, **kwargs)

    def close(self) -> None:
        self._control.close()

    # -- control API ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        """One control call; its JSON answer (None for an empty one). Raises SandboxControlError."""
        response = self._control.request(method, f"/_sandbox/{path}", json=json)
        if response.status_code >= 400:
            raise SandboxControlError(response.status_code, response.text)
        return response.json() if response.content else None

    def reset(self, clock: datetime | str | None = None) -> None:
        self._call("POST", "reset", {"clock": _iso(clock)} if clock is not None else {})

    def state(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self._call("GET", "state"))

    def now(self) -> datetime:
        return datetime.fromisoformat(self._call("GET", "clock")["now"])

    def advance(self, seconds: float) -> datetime:
        return datetime.fromisoformat(self._call("POST", "clock", {"advance": seconds})["now"])

    def set_clock(self, when: datetime | str) -> datetime:
        return datetime.fromisoformat(self._call("POST", "clock", {"set": _iso(when)})["now"])

    def set_limits(self, **limits: int) -> dict[str, int]:
        """minutely=, daily=, token_calls_per_day=, errors_per_hour= (any subset)."""
        return cast("dict[str, int]", self._call("POST", "limits", limits))

    def set_latency(self, ms: int, jitter_ms: int = 0) -> dict[str, int]:
        """Delay every REST and token call by `ms` ± `jitter_ms` (real time); 0 turns it off."""
        return cast("dict[str, int]", self._call("POST", "latency", {"ms": ms, "jitter_ms": jitter_ms}))

    def set_token_policy(self, policy: str) -> str:
        """Set the token policy: "strict" (the default) or "grace" (see FIDELITY.md)."""
        return cast("str", self._call("POST", "token-policy", {"policy": policy})["policy"])

    def add_fault(
        self,
        kind: str,
        path: str = ".*",
        method: str | None = None,
        status: int | None = None,
        count: int = 1,
        delay_ms: int | None = None,
        window: str | None = None,
        message: str | None = None,
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {"kind": kind, "path": path, "count": count}
        if message is not None:
            spec["message"] = message
        if window is not None:
            spec["window"] = window
        if method is not None:
            spec["method"] = method
        if status is not None:
            spec["status"] = status
        if delay_ms is not None:
            spec["delay_ms"] = delay_ms
        return cast("dict[str, Any]", self._call("POST", "faults", spec))

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def close_period(self, division: int, year: int, period: int) -> None:
        self._call("POST", "periods/close", {"division": division, "year": year, "period": period})

    def open_period(self, division: int, year: int, period: int) -> None:
        self._call("POST", "periods/open", {"division": division, "year": year, "period": period})

    def register_app(self, name: str = "Test app", redirect_uri: str = DEFAULT_REDIRECT_URI) -> dict[str, Any]:
        """Returns client_id, client_secret, webhook_secret, name, redirect_uri."""
        return cast("dict[str, Any]", self._call("POST", "apps", {"name": name, "redirect_uri": redirect_uri}))

    def authorize(
        self, client_id: str, user: str = DEMO_USER, redirect_uri: str | None = None, state: str | None = None
    ) -> str:
        """An authorization code as if the user had logged in and clicked Allow (not URL-encoded)."""
        body: dict[str, Any] = {"client_id": client_id, "user": user}
        if redirect_uri is not None:
            body["redirect_uri"] = redirect_uri
        if state is not None:
            body["state"] = state
        return cast("str", self._call("POST", "authorize", body)["code"])

    def issue_tokens(self, app: dict[str, Any], user: str = DEMO_USER) -> dict[str, Any]:
        """Authorize and exchange the code at the token endpoint: the token response as JSON."""
        code = self.authorize(app["client_id"], user)
        response = self._control.post(
            "/api/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app["redirect_uri"],
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        if response.status_code != 200:
            raise SandboxControlError(response.status_code, response.text)
        return cast("dict[str, Any]", response.json())

    def add_division(self, code: int, description: str | None = None, users: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"code": code, "users": users or [DEMO_USER]}
        if description:
            body["description"] = description
        return cast("dict[str, Any]", self._call("POST", "divisions", body))

    def entries(self, division: int) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", self._call("GET", f"entries/{division}")["entries"])


class SandboxControlError(RuntimeError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"sandbox control call failed with {status}: {body}")
        self.status = status
        self.body = body


def _iso(value: datetime | str) -> str:
    return value.isoformat() if isinstance(value, datetime) else value
