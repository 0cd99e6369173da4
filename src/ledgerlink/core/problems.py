"""The REST API's refusals, shared by every app's routers: one exception, one problem list, one set of schemas.

An answer other than 2xx reads ``{"detail": <for a person>, "code": <for a program>, ...}``; a 422 adds
``problems``, a list of ``{field, line, message, code}``, so a client can show all of them at once. The
journals router and the connectors router raise the same :class:`ApiError`; ``ledgerlink.api`` renders it.

This module sits in core (below every app) so that connectors and journals can both refuse a request the same
way without one importing the other's API layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
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
    if journal:
        detail = _("The journal was not accepted: %(count)s problem(s).") % {"count": len(unique)}
    else:
        detail = _("The request was not accepted: %(count)s problem(s).") % {"count": len(unique)}
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


# --- the documented bodies ---------------------------------------------------------------------------------------


class ProblemOut(Schema):
    field: str
    line: int | None
    message: str
    code: str


class ProblemsOut(Schema):
    detail: str
    code: str
    problems: list[ProblemOut]


class ErrorOut(Schema):
    detail: str
    code: str


# Every operation: 401 (no key, an unknown or a revoked one), 403 (the company lacks the ``api`` licence), and
# 422 for a parameter or query string it cannot read (a path parameter that is no number, a control character).
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ProblemsOut}
# An operation with a body: 413 when it is larger than the service reads, 422 for every problem in it.
BODY_ERRORS: dict[int, type[Schema]] = {413: ErrorOut, 422: ProblemsOut}
