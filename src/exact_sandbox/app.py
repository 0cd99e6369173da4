"""The WSGI application: faults first, then routing to pages, OAuth, REST or the control API."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import pages
from .backend import Backend
from .control import ControlApi
from .faults import DropConnection, Fault
from .oauth import token_endpoint
from .responses import odata_error
from .rest import RestApi
from .urls import CONTROL_PREFIX, URL_MAP

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)


class SandboxApp:
    """A WSGI callable around one Backend. Thread-safe: all state goes through the backend lock."""

    def __init__(self, backend: Backend | None = None) -> None:
        self.backend = backend or Backend()
        self.rest = RestApi(self.backend)
        self.control = ControlApi(self.backend)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return self.control.dispatch(request)
        fault = self.backend.faults.take(request.method, request.path)
        if fault is not None:
            early = self._fault_before(fault)
            if early is not None:
                return early
        response = self._route(request)
        if fault is not None and fault.kind == "drop_after_commit":
            logger.info("sandbox fault %s: dropping the connection after %s %s", fault.id, request.method, request.path)
            raise DropConnection(f"injected fault {fault.id}: drop after commit")
        return response

    def _fault_before(self, fault: Fault) -> Response | None:
        if fault.kind == "status":
            return odata_error(fault.status, f"Injected fault {fault.id}: HTTP {fault.status} from the sandbox.")
        if fault.kind in ("timeout", "latency") and fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.kind == "timeout":
            raise DropConnection(f"injected fault {fault.id}: timeout")
        return None

    def _route(self, request: Request) -> Response:
        adapter = URL_MAP.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            if request.path.startswith("/api/"):
                return odata_error(404, f"Resource not found for the segment '{request.path}'.")
            return pages.page("Not found", "<p>This page does not exist in the sandbox.</p>", 404)
        except MethodNotAllowed as exc:
            if request.path.startswith("/api/"):
                return odata_error(
                    405,
                    f"The method '{request.method}' is not allowed here.",
                    {"Allow": ", ".join(exc.valid_methods or [])},
                )
            return exc.get_response(request.environ)  # type: ignore[return-value]
        except HTTPException as exc:
            return exc.get_response(request.environ)  # type: ignore[return-value]
        backend = self.backend
        if endpoint == "index":
            return redirect("/appcenter", 302)
        if endpoint == "appcenter":
            return pages.appcenter(backend, request)
        if endpoint == "appcenter_register":
            return pages.appcenter_register(backend, request)
        if endpoint == "appcenter_delete":
            return pages.appcenter_delete(backend, request, args["client_id"])
        if endpoint == "authorize":
            return pages.authorize(backend, request)
        if endpoint == "token":
            answer = token_endpoint(backend, request.form.to_dict(), request.headers.get("Authorization"))
            return Response(answer.body, status=answer.status, headers=answer.headers)
        if endpoint == "me":
            return self.rest.me(request)
        return self.rest.division_call(request, args["division"], args["rest"])


def create_app(backend: Backend | None = None) -> SandboxApp:
    return SandboxApp(backend)
