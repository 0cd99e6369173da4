"""The one REST API object (django-ninja), mounted at ``/api/v1/`` with its OpenAPI page at ``/api/v1/docs``.

Every error answer has the same shape: ``{"detail": "<for a person>", "code": "<for a program>", ...}``; a 422
adds ``problems``, a list of ``{field, line, message, code}``, so a client can show all of them at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from ledgerlink.closings.api import router as closings_router
from ledgerlink.connectors.api import router as connectors_router
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import ApiError, Problem, Unauthorized, invalid
from ledgerlink.journals import messages as m
from ledgerlink.journals.api import CompanyKey
from ledgerlink.journals.api import router as journals_router
from ledgerlink.journals.api_exact import router as exact_data_router
from ledgerlink.journals.api_mapping import router as mapping_router

log = logging.getLogger("ledgerlink.api")

api = NinjaAPI(
    title="ledgerlink",
    version="1",
    description=(
        "Journals from the ERP to Exact Online. Authenticate with a company API key: "
        "`Authorization: Bearer <key>` (Extra → API keys, or `ledgerlink apikey create`)."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/journals", journals_router)
# connectors/api.py cannot import the key authentication (it lives with the keys, in journals): it is given here.
api.add_router("/connectors", connectors_router, auth=CompanyKey())
api.add_router("/connectors", exact_data_router)
api.add_router("/connectors", mapping_router)
api.add_router("/closings", closings_router)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(request, exc.payload(), status=exc.status_code)
    for name, value in exc.headers.items():
        response[name] = value
    if isinstance(exc, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="ledgerlink"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals in the documented shape: a body it cannot parse is the 422 of every other body."""
    if exc.status_code == 400:
        return _api_error(request, invalid([Problem("body", Message.of(m.BODY_NOT_JSON, error=str(exc)))]))
    return _api_error(request, ApiError(exc.status_code, str(exc)))


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """ninja's own checks of path and query parameters, in our problem list shape."""
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
        name = location[-1] if location else "request"
        problems.append(
            Problem(name, Message.of(m.INVALID_VALUE, field=name, error=str(error.get("msg", _("invalid")))))
        )
    return _api_error(request, invalid(problems))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback, answered in the documented shape (never an HTML page)."""
    log.error("API request failed", exc_info=exc, extra={"path": request.path})
    return server_error_json()


def server_error_json() -> JsonResponse:
    message = _("Something went wrong on our side; nothing was stored. Try again, or tell us the X-Request-ID.")
    return JsonResponse({"detail": message, "code": "http.500"}, status=500)


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Every address under /api/ that is no endpoint: the documented JSON, not Django's HTML page."""
    return JsonResponse(
        {"detail": _("There is no such API address: %(path)s") % {"path": request.path[:200]}, "code": "http.404"},
        status=404,
    )


def _api_aware(page: Callable[..., HttpResponse], status: int) -> Callable[..., HttpResponse]:
    def handler(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.path.startswith("/api/"):
            if status == 404:
                return not_found(request)
            return server_error_json()
        return page(request, *args, **kwargs)

    return handler


# Django's handlers for what happens outside the API's own views (a middleware's failure, say).
handler404 = _api_aware(defaults.page_not_found, 404)
handler500 = _api_aware(defaults.server_error, 500)
