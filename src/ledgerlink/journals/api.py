"""The journals part of the REST API: submit, read, list and resend, all scoped to the API key's company.

The request body is parsed here with ``json.loads(parse_float=Decimal)``: a JSON number such as ``12.30``
becomes ``Decimal("12.30")`` exactly, and ``12.345`` is refused for its third decimal instead of being
rounded through a float. Every problem of a submission (types, unknown fields, shape, connector) is
answered at once, as a list of ``{field, line, message}``, with status 422.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security.base import AuthBase

from ledgerlink.connectors.models import Connector
from ledgerlink.core.numbers import small_int
from ledgerlink.journals import apikeys
from ledgerlink.journals.actions import JournalConflict, resend, submit_journal
from ledgerlink.journals.choices import JournalStatus, Kind
from ledgerlink.journals.models import ApiKey, Attempt, Journal, JournalLine
from ledgerlink.journals.submission import JournalIn, LineIn, Problem, SubmissionInvalid, check, money
from ledgerlink.tenancy import current
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import explain_missing, has_licence

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
JOURNAL_FIELDS = ("reference", "kind", "connector", "date", "description", "relation_code", "lines")
LINE_FIELDS = (
    "ledger_code",
    "debit",
    "credit",
    "vat_code",
    "vat_amount",
    "description",
    "relation_code",
    "cost_centre",
)
CODE_LENGTH = 40  # relation codes and cost centres (the columns' size)


class ApiError(HttpError):
    """An answer other than 2xx with a body richer than ``{"detail": ...}`` (problems, differences)."""

    def __init__(self, status_code: int, message: str, **extra: Any) -> None:
        super().__init__(status_code, message)
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.extra}


class Unauthorized(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(401, message)


# --- authentication ---------------------------------------------------------------------------------------


class CompanyKey(AuthBase):
    """``Authorization: Bearer <company API key>``; the company must hold the ``api`` licence.

    Unlike ninja's HttpBearer this never logs the header (it holds the key) and says why a key is refused.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = "A company API key (Extra → API keys): Authorization: Bearer llk_…"

    def __call__(self, request: HttpRequest) -> ApiKey:
        header = request.headers.get("Authorization", "")
        scheme, _space, token = header.partition(" ")
        if not header:
            raise Unauthorized(_("Send the company's API key as “Authorization: Bearer <key>”."))
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(_("The Authorization header must read “Bearer <key>”."))
        verified = apikeys.verify(token)
        if verified.key is None:
            raise Unauthorized(verified.reason)
        key = verified.key
        host_company = current.host_company(request)
        if host_company is not None and host_company.pk != key.company_id:
            raise Unauthorized(_("This API key belongs to another company than this address."))
        if not has_licence(key.company, Module.API):
            raise ApiError(403, explain_missing(key.company, Module.API), licence=Module.API.value)
        return key


def request_key(request: HttpRequest) -> ApiKey:
    """The API key :class:`CompanyKey` accepted for this request (ninja keeps it as ``request.auth``)."""
    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey):
        raise Unauthorized(_("Send the company's API key as “Authorization: Bearer <key>”."))
    return key


router = Router(auth=CompanyKey(), tags=["journals"])


# --- schemas (answers; the request body is parsed by hand, see the module docstring) ----------------------


class LineOut(Schema):
    line: int
    ledger_code: str
    debit: str = Field(examples=["12.30"])
    credit: str = Field(examples=["0.00"])
    vat_code: str
    vat_amount: str
    description: str
    relation_code: str
    cost_centre: str


class AttemptOut(Schema):
    started_at: datetime
    duration_ms: int
    action: str
    http_status: int | None
    outcome: str
    messages: list[Any]
    worker: str


class JournalOut(Schema):
    id: int
    reference: str
    kind: str
    connector: int
    date: date
    description: str
    relation_code: str
    status: str
    status_message: str
    exact_entry_id: str
    exact_entry_number: str
    created_at: datetime
    source: str
    lines: list[LineOut]
    attempts: list[AttemptOut]


class JournalPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    counts: dict[str, int] = Field(description="journals per status under the other filters")
    items: list[JournalOut]


class ProblemOut(Schema):
    field: str
    line: int | None
    message: str


class ProblemsOut(Schema):
    detail: str
    problems: list[ProblemOut]


class ConflictOut(Schema):
    detail: str
    journal: int
    differences: list[str]


class MessageOut(Schema):
    detail: str


# 401: no key, an unknown or a revoked one; 403: the company lacks the ``api`` licence.
AUTH_ERRORS: dict[int, type[Schema]] = {401: MessageOut, 403: MessageOut}


class LineIn_(Schema):
    ledger_code: str
    debit: str | Decimal | None = Field(None, examples=["12.30"], description="string or exact JSON number")
    credit: str | Decimal | None = Field(None, examples=["0.00"])
    vat_code: str = ""
    vat_amount: str | Decimal | None = Field(None, examples=["2.14"])
    description: str = ""
    relation_code: str = ""
    cost_centre: str = ""


class JournalSubmission(Schema):
    reference: str = Field(description="the ERP's own reference; submitting it again is idempotent")
    kind: Kind
    connector: int = Field(description="connector number")
    date: date
    description: str = ""
    relation_code: str = ""
    lines: list[LineIn_]


def _inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` written in place (the OpenAPI document has no ``$defs``)."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(dict(definitions[ref.rsplit("/", 1)[1]]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


SUBMISSION_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inline_schema(JournalSubmission.model_json_schema())}},
    }
}


# --- parsing a submission ---------------------------------------------------------------------------------


def read_json(request: HttpRequest) -> Any:
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(
            413,
            _("The body is larger than %(size)s bytes; send fewer lines per journal.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )
    try:
        return json.loads(raw or b"", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(
            422,
            _("The body is not JSON."),
            problems=[Problem("body", _("The body is not valid JSON: %(error)s") % {"error": exc}).as_dict()],
        )


def _text(data: dict[str, Any], key: str, line: int | None, problems: list[Problem], limit: int = 0) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.append(Problem(key, _("%(field)s must be a string") % {"field": key}, line))
        return ""
    if limit and len(value) > limit:
        problems.append(
            Problem(key, _("%(field)s is longer than %(limit)s characters") % {"field": key, "limit": limit}, line)
        )
    return value


def _unknown(data: dict[str, Any], known: tuple[str, ...], line: int | None, problems: list[Problem]) -> None:
    for key in data:
        if key not in known:
            problems.append(
                Problem(
                    str(key),
                    _("unknown field %(field)s; known fields: %(known)s") % {"field": key, "known": ", ".join(known)},
                    line,
                )
            )


def _line(raw: Any, number: int, problems: list[Problem]) -> LineIn:
    if not isinstance(raw, dict):
        problems.append(Problem("lines", _("each line must be a JSON object"), number))
        return LineIn(ledger_code="x")  # placeholder so that check() does not report it twice
    _unknown(raw, LINE_FIELDS, number, problems)
    return LineIn(
        ledger_code=_text(raw, "ledger_code", number, problems),
        debit=money(raw.get("debit"), "debit", number, problems),
        credit=money(raw.get("credit"), "credit", number, problems),
        vat_code=_text(raw, "vat_code", number, problems),
        vat_amount=money(raw.get("vat_amount"), "vat_amount", number, problems),
        description=_text(raw, "description", number, problems),
        relation_code=_text(raw, "relation_code", number, problems, CODE_LENGTH),
        cost_centre=_text(raw, "cost_centre", number, problems, CODE_LENGTH),
    )


def parse_submission(data: Any) -> tuple[JournalIn, list[Problem]]:
    """A ``JournalIn`` from the decoded body, and every problem found on the way (types, unknown fields)."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        problems.append(Problem("body", _("the body must be a JSON object")))
        data = {}
    _unknown(data, JOURNAL_FIELDS, None, problems)
    connector = data.get("connector")
    if isinstance(connector, str) and small_int(connector) is not None:
        connector = small_int(connector)
    if connector is None:
        problems.append(Problem("connector", _("connector (the connector's number) is required")))
        connector = 0
    elif not isinstance(connector, int) or isinstance(connector, bool) or not 0 < connector < 10**9:
        problems.append(Problem("connector", _("connector must be a whole number")))
        connector = 0
    raw_date, when = data.get("date"), date(1900, 1, 1)
    if raw_date is None:
        problems.append(Problem("date", _("date is required (yyyy-mm-dd)")))
    elif not isinstance(raw_date, str) or not ISO_DATE.match(raw_date):
        problems.append(Problem("date", _("date must be written yyyy-mm-dd; got %(value)r") % {"value": raw_date}))
    else:
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            problems.append(Problem("date", _("date %(value)s does not exist") % {"value": raw_date}))
    raw_lines = data.get("lines")
    if raw_lines is not None and not isinstance(raw_lines, list):
        problems.append(Problem("lines", _("lines must be a list")))
        raw_lines = None
    journal_in = JournalIn(
        reference=_text(data, "reference", None, problems),
        kind=_text(data, "kind", None, problems),
        connector=connector,
        date=when,
        description=_text(data, "description", None, problems),
        relation_code=_text(data, "relation_code", None, problems, CODE_LENGTH),
        lines=[_line(raw, number, problems) for number, raw in enumerate(raw_lines or [], start=1)],
    )
    return journal_in, problems


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, int | None, str]] = set()
    kept = []
    for problem in problems:
        key = (problem.field, problem.line, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def invalid(problems: list[Problem]) -> ApiError:
    problems = _unique(problems)
    return ApiError(
        422,
        _("The journal was not accepted: %(count)s problem(s).") % {"count": len(problems)},
        problems=[problem.as_dict() for problem in problems],
    )


# --- answers ------------------------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def journal_json(journal: Journal, new_lines: list[LineIn] | None = None) -> dict[str, Any]:
    """The journal as the API shows it; ``new_lines``: a journal just stored from these (no attempts yet)."""
    lines = (
        journal.lines.all()
        if new_lines is None
        else [
            JournalLine(
                line_no=number,
                ledger_code=line.ledger_code.strip(),
                debit=line.debit,
                credit=line.credit,
                vat_code=line.vat_code.strip(),
                vat_amount=line.vat_amount,
                description=line.description,
                relation_code=line.relation_code,
                cost_centre=line.cost_centre,
            )
            for number, line in enumerate(new_lines, start=1)
        ]
    )
    return {
        "id": journal.pk,
        "reference": journal.reference,
        "kind": journal.kind,
        "connector": journal.connector.number,
        "date": journal.date,
        "description": journal.description,
        "relation_code": journal.relation_code,
        "status": journal.status,
        "status_message": journal.status_message,
        "exact_entry_id": journal.exact_entry_id,
        "exact_entry_number": journal.exact_entry_number,
        "created_at": journal.created_at,
        "source": journal.source,
        "lines": [
            {
                "line": line.line_no,
                "ledger_code": line.ledger_code,
                "debit": _amount(line.debit),
                "credit": _amount(line.credit),
                "vat_code": line.vat_code,
                "vat_amount": _amount(line.vat_amount),
                "description": line.description,
                "relation_code": line.relation_code,
                "cost_centre": line.cost_centre,
            }
            for line in lines
        ],
        "attempts": []
        if new_lines is not None
        else [
            {
                "started_at": attempt.started_at,
                "duration_ms": attempt.duration_ms,
                "action": attempt.action,
                "http_status": attempt.http_status,
                "outcome": attempt.outcome,
                "messages": attempt.messages,
                "worker": attempt.worker,
            }
            for attempt in journal.attempts.all()
        ],
    }


def _journals(key: ApiKey) -> QuerySet[Journal]:
    return (
        Journal.objects.for_company(key.company)
        .select_related("connector")
        .prefetch_related(
            Prefetch("lines", queryset=JournalLine.objects.order_by("line_no")),
            Prefetch("attempts", queryset=Attempt.objects.order_by("started_at", "id")),
        )
    )


def _journal(key: ApiKey, journal_id: int) -> Journal:
    journal = _journals(key).filter(pk=journal_id).first()
    if journal is None:
        raise ApiError(404, _("There is no journal %(id)s.") % {"id": journal_id})
    return journal


# --- endpoints ----------------------------------------------------------------------------------------------


@router.post(
    "",
    response={200: JournalOut, 201: JournalOut, 409: ConflictOut, 422: ProblemsOut, **AUTH_ERRORS},
    openapi_extra=SUBMISSION_BODY,
    summary="Submit a journal (idempotent on reference)",
)
def post_journal(request: HttpRequest) -> Status:
    """201: stored as new; 200: this reference was submitted before with the same content (that journal);
    409: the reference is known with other content (the differences are named); 422: every problem."""
    key = request_key(request)
    journal_in, problems = parse_submission(read_json(request))
    problems += check(journal_in)
    if problems:
        # submit_journal checks the connector only once the shape is right; name it now, with the rest.
        if (
            journal_in.connector
            and not Connector.objects.for_company(key.company).filter(number=journal_in.connector).exists()
        ):
            problems.append(
                Problem("connector", _("this company has no connector %(number)s") % {"number": journal_in.connector})
            )
        raise invalid(problems)
    try:
        submitted = submit_journal(key.company, journal_in, source="api")
    except SubmissionInvalid as exc:
        raise invalid(exc.problems)
    except JournalConflict as exc:
        raise ApiError(
            409,
            _("Reference %(reference)s was submitted before with other content.")
            % {"reference": exc.journal.reference},
            journal=exc.journal.pk,
            differences=exc.differences,
        )
    if submitted.created:
        # Just written from journal_in: answer from memory rather than reading the rows back.
        return Status(201, journal_json(submitted.journal, journal_in.lines))
    return Status(200, journal_json(_journal(key, submitted.journal.pk)))


@router.get("/{journal_id}", response={200: JournalOut, 404: MessageOut, **AUTH_ERRORS}, summary="One journal")
def get_journal(request: HttpRequest, journal_id: int) -> dict[str, Any]:
    return journal_json(_journal(request_key(request), journal_id))


def _parse_date(value: str | None, name: str, problems: list[Problem]) -> date | None:
    if not value:
        return None
    if ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, _("%(field)s must be a date written yyyy-mm-dd") % {"field": name}))
    return None


@router.get(
    "", response={200: JournalPage, 422: ProblemsOut, **AUTH_ERRORS}, summary="Journals, newest date first, paged"
)
def list_journals(
    request: HttpRequest,
    status: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    connector: int | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    key = request_key(request)
    problems: list[Problem] = []
    if status and status not in JournalStatus.values:
        problems.append(
            Problem("status", _("status must be one of %(values)s") % {"values": ", ".join(JournalStatus.values)})
        )
    start = _parse_date(date_from, "date_from", problems)
    end = _parse_date(date_to, "date_to", problems)
    if not 1 <= page <= MAX_PAGE:
        problems.append(Problem("page", _("page is between 1 and %(max)s") % {"max": MAX_PAGE}))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        problems.append(Problem("page_size", _("page_size is between 1 and %(max)s") % {"max": MAX_PAGE_SIZE}))
    if problems:
        raise invalid(problems)
    journals = _journals(key)
    if start:
        journals = journals.filter(date__gte=start)
    if end:
        journals = journals.filter(date__lte=end)
    if connector is not None:
        journals = journals.filter(connector__number=connector)
    counts = {value: 0 for value in JournalStatus.values}
    for row in journals.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    if status:
        journals = journals.filter(status=status)
    total = counts[status] if status else sum(counts.values())
    offset = (page - 1) * page_size
    items = journals.order_by("-date", "-id")[offset : offset + page_size]
    return {
        "count": total,
        "page": page,
        "pages": max(1, math.ceil(total / page_size)),
        "page_size": page_size,
        "counts": counts,
        "items": [journal_json(journal) for journal in items],
    }


@router.post(
    "/{journal_id}/resend",
    response={200: JournalOut, 404: MessageOut, 409: MessageOut, **AUTH_ERRORS},
    summary="Queue a failed journal again",
)
def resend_journal(request: HttpRequest, journal_id: int) -> dict[str, Any]:
    key = request_key(request)
    journal = _journal(key, journal_id)
    if journal.status != JournalStatus.FAILED or not resend(journal, Actor(None, f"API key {key.prefix}")):
        journal.refresh_from_db(fields=["status"])
        raise ApiError(
            409,
            _("Journal %(id)s is %(status)s; only failed journals can be sent again.")
            % {"id": journal.pk, "status": journal.get_status_display().lower()},
            status=journal.status,
        )
    return journal_json(_journal(key, journal_id))
