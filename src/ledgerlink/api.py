"""The one REST API object (django-ninja), mounted at ``/api/v1/`` with its OpenAPI page at ``/api/v1/docs``.

Every error answer is an RFC 9457 problem, ``application/problem+json`` (docs/adr/0021-problem-details.md):
``{"type", "title", "detail": "<for a person>", "instance", "code": "<for a program>", ...}``; a 422 adds
``problems``, a list of ``{field, line, message, code}``, so a client can show all of them at once. The
OpenAPI document says so for every error status of every operation (:class:`LedgerlinkApi`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from ledgerlink.closings.api import router as closings_router
from ledgerlink.connectors.api import router as connectors_router
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import (
    PROBLEM_JSON,
    ApiError,
    Problem,
    Unauthorized,
    for_api,
    invalid,
    problem_response,
)
from ledgerlink.journals import messages as m
from ledgerlink.journals.api import CompanyKey
from ledgerlink.journals.api import router as journals_router
from ledgerlink.journals.api_exact import router as exact_data_router
from ledgerlink.journals.api_mapping import router as mapping_router
from ledgerlink.webhooks.api import router as webhooks_router

log = logging.getLogger("ledgerlink.api")


RETRY_AFTER = {"description": "seconds until the request may be made again", "schema": {"type": "integer"}}


class LedgerlinkApi(NinjaAPI):
    """ninja's API whose document names every error answer's media type as it is sent: problem+json."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        """The view's own name (``post_journal``, ``get_connector``): what a generated client calls it."""
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
                    if int(status) == 429:  # every 429 of ours says when to try again
                        response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
        return schema


api = LedgerlinkApi(
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
api.add_router("/webhooks", webhooks_router, auth=CompanyKey())


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = problem_response(request, exc.status_code, exc.payload())
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
    return server_error_json(request)


def server_error_json(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on our side; nothing was stored. Try again, or tell us the X-Request-ID.")
    return problem_response(request, 500, {"detail": message, "code": "http.500"})


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Every address under /api/ that is no endpoint: the documented problem, not Django's HTML page."""
    detail = _("There is no such API address: %(path)s") % {"path": request.path[:200]}
    return problem_response(request, 404, {"detail": detail, "code": "http.404"})


def _api_aware(page: Callable[..., HttpResponse], status: int) -> Callable[..., HttpResponse]:
    def handler(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if for_api(request):
            if status == 404:
                return not_found(request)
            return server_error_json(request)
        return page(request, *args, **kwargs)

    return handler


# Django's handlers for what happens outside the API's own views (a middleware's failure, say).
handler404 = _api_aware(defaults.page_not_found, 404)
handler500 = _api_aware(defaults.server_error, 500)
