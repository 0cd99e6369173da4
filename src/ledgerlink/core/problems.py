"""The REST API's refusals, shared by every app's routers: one exception, one problem list, one set of schemas.

An answer other than 2xx is an RFC 9457 problem (``application/problem+json``, docs/adr/0021):
``{"type", "title", "detail": <for a person>, "instance", "code": <for a program>, ...}``; a 422 adds
``problems``, a list of ``{field, line, message, code}``, so a client can show all of them at once. The
journals router and the connectors router raise the same :class:`ApiError`; ``ledgerlink.api`` renders it
with :func:`problem_body`.

This module sits in core (below every app) so that connectors and journals can both refuse a request the same
way without one importing the other's API layer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy, ngettext
from ninja import Field, Schema
from ninja.errors import HttpError

from ledgerlink.core.messages import Message, define
from ledgerlink.core.text import shown

# The codes keep the ``journal.`` prefix they were first stored and answered with (codes are never renamed).
QUERY_UNKNOWN = define(
    "journal.query_unknown", gettext_lazy("unknown query parameter {field}; known parameters: {known}")
)
QUERY_NONE = define("journal.query_none", gettext_lazy("unknown query parameter {field}; this address takes none"))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request or a submission: where (field, 1-based line) and what (a coded message)."""

    field: str
    message: Message
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """As the API answers it: the message in the reader's language, and its code."""
        return {"field": self.field, "line": self.line, "message": self.message.text(), "code": self.message.code}

    def to_json(self) -> dict[str, Any]:
        """As it is stored (an attempt's messages, an import's problems): code and parameters."""
        return {**self.message.to_json(), "field": self.field, "line": self.line}

    def __str__(self) -> str:
        return self.message.text()


class ApiError(HttpError):
    """An answer other than 2xx: ``{"detail": <for a person>, "code": <for a program>, ...}``."""

    def __init__(
        self, status_code: int, message: Message | str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        self.coded = message if isinstance(message, Message) else None
        super().__init__(status_code, str(message))
        self.extra = extra
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        code = self.coded.code if self.coded else f"http.{self.status_code}"
        return {"detail": self.message, "code": code, **self.extra}


class Unauthorized(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(401, message)


def invalid(problems: list[Problem], journal: bool = False) -> ApiError:
    """422 with every problem once; ``journal``: a submitted journal was refused (else: the request was)."""
    unique: list[Problem] = []
    for problem in problems:
        if problem not in unique:
            unique.append(problem)
    count = len(unique)
    if journal:
        detail = ngettext(
            "The journal was not accepted: %(count)s problem.",
            "The journal was not accepted: %(count)s problems.",
            count,
        ) % {"count": count}
    else:
        detail = ngettext(
            "The request was not accepted: %(count)s problem.",
            "The request was not accepted: %(count)s problems.",
            count,
        ) % {"count": count}
    return ApiError(422, detail, problems=[problem.as_dict() for problem in unique])


def refuse_unknown_query(request: HttpRequest, query: tuple[str, ...] = ()) -> None:
    """A query parameter the operation does not read is refused (422), as an unknown field of a body is: a
    misspelt ``page_sise`` would otherwise be ignored without a word."""
    unknown = [name for name in request.GET if name not in query]
    if unknown:
        raise invalid(
            [
                Problem(shown(name), Message.of(QUERY_UNKNOWN, field=shown(name), known=", ".join(query)))
                if query
                else Problem(shown(name), Message.of(QUERY_NONE, field=shown(name)))
                for name in unknown
            ]
        )


# --- the answer ---------------------------------------------------------------------------------------------------

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "about:blank"  # the HTTP status says it all; ``code`` is the precise kind (RFC 9457 §4.2.1)


def for_api(request: HttpRequest) -> bool:
    """Whether the request is the REST API's, whose every refusal is a problem, never a page."""
    return request.path.startswith("/api/")


def problem_body(request: HttpRequest, status: int, payload: dict[str, Any]) -> dict[str, Any]:
    """An RFC 9457 problem: its standard members, then ours (``detail``, ``code``, ``problems``, … as before).

    The standard ``status`` member is left out (it is optional and only advisory): a 409 of a journal has long
    said the journal's status under that name, and clients read it."""
    return {
        "type": PROBLEM_TYPE,
        "title": HTTPStatus(status).phrase,
        **payload,
        "instance": request.path[:200],
    }


def problem_response(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
    """The answer itself: the problem as ``application/problem+json``."""
    body = json.dumps(problem_body(request, status, payload), cls=DjangoJSONEncoder)
    return HttpResponse(body, status=status, content_type=f"{PROBLEM_JSON}; charset=utf-8")


# --- the documented bodies ---------------------------------------------------------------------------------------


class ProblemOut(Schema):
    field: str
    line: int | None
    message: str
    code: str


class ErrorOut(Schema):
    """An RFC 9457 problem with our ``code``; some carry more members (``licence`` on a 403, ``status`` — the
    journal's — on a 409)."""

    type: str = Field(description="about:blank: the HTTP status says what kind of problem it is")
    title: str = Field(description="the HTTP status's phrase")
    detail: str = Field(description="for a person, in the reader's language")
    instance: str = Field(description="the path of the request")
    code: str = Field(description="for a program: never changes")


class ProblemsOut(ErrorOut):
    problems: list[ProblemOut] = Field(description="every problem found, at once")


# Every operation: 400 (the host is no address of this service, ``host.invalid``), 404 (no company uses the
# host's alias, ``host.no_company``; an operation's own 404 says what it did not find), 401 (no key, an unknown
# or a revoked one), 403 (the company lacks the ``api`` licence), 422 for a parameter or query string it cannot
# read (a path parameter that is no number, a control character), and 500 for a fault of ours (nothing was
# stored).
AUTH_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ProblemsOut,
    500: ErrorOut,
}
# An operation with a body: 413 when it is larger than the service reads, 422 for every problem in it.
BODY_ERRORS: dict[int, type[Schema]] = {413: ErrorOut, 422: ProblemsOut}
