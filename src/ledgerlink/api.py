"""The one REST API object (django-ninja), mounted at ``/api/v1/`` with its OpenAPI page at ``/api/v1/docs``.

Every error answer has the same shape: ``{"detail": "<for a person>", "code": "<for a program>", ...}``; a 422
adds ``problems``, a list of ``{field, line, message, code}``, so a client can show all of them at once.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from ledgerlink.core.messages import Message
from ledgerlink.journals import messages as m
from ledgerlink.journals.api import ApiError, Unauthorized, invalid
from ledgerlink.journals.api import router as journals_router
from ledgerlink.journals.intake import Problem

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


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(request, exc.payload(), status=exc.status_code)
    if isinstance(exc, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="ledgerlink"'
    return response


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
