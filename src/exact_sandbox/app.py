"""The WSGI application: match a route from the table, then latency, faults, and the route's handler.

Control routes (`/_sandbox/…`) skip latency and faults. Exact's API routes (the token endpoint and
`/api/v1/…`) wait the configured latency first (outside any lock, so concurrent calls wait side by
side); every non-control request may then be hit by an injected fault.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from .backend import Backend
from .faults import DropConnection, Fault
from .handlers import control, pages
from .render import empty, odata_error
from .urls import ROUTES, URL_MAP, Route, family_of

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]


class SandboxApp:
    """A WSGI callable around one Backend. Thread-safe: all state goes through the backend lock.

    `sleep` waits real time for latency and fault delays; tests may pass a recorder instead.
    """

    def __init__(self, backend: Backend | None = None, sleep: Sleep = time.sleep) -> None:
        self.backend = backend or Backend()
        self.sleep = sleep

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        adapter = URL_MAP.bind_to_environ(request.environ)
        route: Route | None = None
        refusal: HTTPException | None = None
        args: dict[str, Any] = {}
        try:
            endpoint, matched = adapter.match()
        except HTTPException as exc:
            refusal = exc
        else:
            route, args = ROUTES[int(endpoint)], dict(matched)
        family = route.family if route is not None else family_of(request.path)
        if family == "control":
            return self._control(request, route, args, refusal)
        if family == "api":
            delay = self.backend.latency.delay()
            if delay:
                self.sleep(delay)
        fault = self.backend.faults.take(request.method, request.path)
        if fault is not None:
            early = self._fault_before(fault, request)
            if early is not None:
                return early
        response = self._call(request, route, args, refusal)
        if fault is not None and fault.kind == "drop_after_commit":
            logger.info("sandbox fault %s: dropping the connection after %s %s", fault.id, request.method, request.path)
            raise DropConnection(f"injected fault {fault.id}: drop after commit")
        if fault is not None and fault.kind == "status_after_commit":
            logger.info("sandbox fault %s: HTTP %s after %s %s", fault.id, fault.status, request.method, request.path)
            return odata_error(fault.status, fault.text().splitlines())
        return response

    def _call(
        self, request: Request, route: Route | None, args: dict[str, Any], refusal: HTTPException | None
    ) -> Response:
        if route is not None:
            return route.handler(self.backend, request, **args)
        api = request.path.startswith("/api/")
        if isinstance(refusal, NotFound):
            if api:
                return odata_error(404, f"Resource not found for the segment '{request.path}'.")
            return pages.not_found()
        if isinstance(refusal, MethodNotAllowed) and api:
            return odata_error(
                405,
                f"The method '{request.method}' is not allowed here.",
                {"Allow": ", ".join(refusal.valid_methods or [])},
            )
        assert refusal is not None
        return refusal.get_response(request.environ)

    def _control(
        self, request: Request, route: Route | None, args: dict[str, Any], refusal: HTTPException | None
    ) -> Response:
        if route is not None:
            return route.handler(self.backend, request, **args)
        if isinstance(refusal, NotFound):
            return control.error(404, f"no control route {request.path}")
        if isinstance(refusal, MethodNotAllowed):
            return control.error(405, f"{request.method} is not allowed on {request.path}; use {refusal.valid_methods}")
        assert refusal is not None
        return control.error(refusal.code or 400, refusal.description or "bad request")

    def _fault_before(self, fault: Fault, request: Request) -> Response | None:
        if fault.kind == "status":
            if fault.status == 429 and request.path.startswith("/api/v1/"):
                return empty(429, self.backend.exhausted_window_headers(fault.window))
            return odata_error(fault.status, fault.text().splitlines())
        if fault.kind in ("timeout", "latency") and fault.delay_ms:
            self.sleep(fault.delay_ms / 1000)
        if fault.kind == "timeout":
            raise DropConnection(f"injected fault {fault.id}: timeout")
        return None


def create_app(backend: Backend | None = None) -> SandboxApp:
    return SandboxApp(backend)
