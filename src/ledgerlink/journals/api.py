"""The journals part of the REST API: submit, check, read, list and resend, all scoped to the API key's company.

The request body is decoded here with ``json.loads(parse_float=Decimal)`` — a JSON number such as ``12.30``
becomes ``Decimal("12.30")`` exactly, and ``12.345`` is refused for its third decimal instead of being rounded
through a float — and then read and checked once, by the company's admission (admission.py, which uses the
one parser in intake.py). Its ``JournalIn`` is also the request body of the OpenAPI document. Every problem is
answered at once, as a list of ``{field, line, message, code}``, with status 422.

Messages are rendered in the reader's language (``Accept-Language``); each carries its code as well.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security.base import AuthBase
from pydantic import WithJsonSchema

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import (
    AUTH_ERRORS,
    BODY_ERRORS,
    ApiError,
    ErrorOut,
    Problem,
    ProblemOut,
    ProblemsOut,
    Unauthorized,
    invalid,
    refuse_unknown_query,
)
from ledgerlink.core.rows import Lookup, param
from ledgerlink.journals import apikeys
from ledgerlink.journals import messages as m
from ledgerlink.journals.actions import (
    JournalConflict,
    NotCorrectable,
    cancel,
    correct,
    move,
    resend,
    send_now,
    submit_journal,
    wait_for_period,
    wait_for_periods,
    with_lines_and_attempts,
)
from ledgerlink.journals.admission import Admission
from ledgerlink.journals.choices import JournalStatus, Source
from ledgerlink.journals.intake import (
    ISO_DATE,
    ISO_DATE_PATTERN,
    MAX_CONNECTOR,
    RULES_BEYOND_THE_SCHEMA,
    JournalIn,
    MoveIn,
    SubmissionInvalid,
    WaitIn,
    read,
)
from ledgerlink.journals.models import ApiKey, Attempt, Journal, JournalLine
from ledgerlink.tenancy import current
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import explain_missing

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000


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
        if not verified.licensed:
            raise ApiError(403, explain_missing(key.company, Module.API), licence=Module.API.value)
        return key


def request_key(request: HttpRequest, query: tuple[str, ...] = ()) -> ApiKey:
    """The API key :class:`CompanyKey` accepted for this request (ninja keeps it as ``request.auth``).

    A query parameter the operation does not read is refused (422), as an unknown field of a body is: a
    misspelt ``page_sise`` would otherwise be ignored without a word."""
    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey):
        raise Unauthorized(_("Send the company's API key as “Authorization: Bearer <key>”."))
    refuse_unknown_query(request, query)
    return key


router = Router(auth=CompanyKey(), tags=["journals"])


# --- schemas ---------------------------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


class MessageOut(Schema):
    """A coded message: ``message`` in the reader's language, ``code`` to act on by program."""

    code: str
    message: str
    fix: str = ""
    exact: bool = Field(False, description="Exact Online's own words (never translated)")
    field: str | None = None
    line: int | None = None

    @staticmethod
    def of(value: Any) -> dict[str, Any]:
        message = Message.from_json(value) or Message.legacy("")
        extra = value if isinstance(value, dict) else {}
        return {
            "code": message.code,
            "message": message.text(),
            "fix": message.fix(),
            "exact": message.is_exact,
            "field": extra.get("field"),
            "line": extra.get("line"),
        }


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

    @classmethod
    def of(cls, line: JournalLine) -> LineOut:
        return cls.model_construct(
            line=line.line_no,
            ledger_code=line.ledger_code,
            debit=_amount(line.debit),
            credit=_amount(line.credit),
            vat_code=line.vat_code,
            vat_amount=_amount(line.vat_amount),
            description=line.description,
            relation_code=line.relation_code,
            cost_centre=line.cost_centre,
        )


class AttemptOut(Schema):
    started_at: datetime
    duration_ms: int
    action: str
    http_status: int | None
    outcome: str
    messages: list[MessageOut]
    worker: str

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptOut:
        return cls.model_construct(
            started_at=attempt.started_at,
            duration_ms=attempt.duration_ms,
            action=attempt.action,
            http_status=attempt.http_status,
            outcome=attempt.outcome,
            messages=[MessageOut.model_construct(**MessageOut.of(item)) for item in attempt.messages or []],
            worker=attempt.worker,
        )


class JournalOut(Schema):
    """A journal as the API answers it. Answers are built by ``of`` from the rows already read (or just written),
    not validated back field by field: that was an eighth of ``POST /api/v1/journals`` (issue 13). The tests
    validate what ``of`` builds against the schema."""

    id: int
    reference: str
    kind: str
    connector: int
    date: date
    description: str
    relation_code: str
    invoice_number: str = Field(description="purchase: the supplier's invoice number (Exact's YourRef)")
    status: str
    status_message: str = Field(description="why the journal is in its status, in the reader's language")
    status_code: str | None = Field(description="the code of status_message")
    exact_entry_id: str
    exact_entry_number: str
    waits_for_period: str = Field(
        description="the closed period (year/period) the journal waits for, tried once an hour; empty: none"
    )
    created_at: datetime
    source: str
    lines: list[LineOut]
    attempts: list[AttemptOut]

    @classmethod
    def of(cls, journal: Journal) -> JournalOut:
        """``journal`` with its connector, lines and attempts read (``_journals``) or in memory."""
        message = journal.status_message
        return cls.model_construct(
            id=journal.pk,
            reference=journal.reference,
            kind=journal.kind,
            connector=journal.connector.number,
            date=journal.date,
            description=journal.description,
            relation_code=journal.relation_code,
            invoice_number=journal.invoice_number,
            status=journal.status,
            status_message=message.text() if message else "",
            status_code=message.code if message else None,
            exact_entry_id=journal.exact_entry_id,
            exact_entry_number=journal.exact_entry_number,
            waits_for_period=journal.waits_for_period,
            created_at=journal.created_at,
            source=journal.source,
            lines=[LineOut.of(line) for line in journal.lines.all()],
            attempts=[AttemptOut.of(attempt) for attempt in journal.attempts.all()],
        )


class JournalPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    counts: dict[str, int] = Field(description="journals per status under the other filters")
    items: list[JournalOut]


class ConflictOut(ErrorOut):
    journal: int
    differences: list[str]


def _inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` written in place (the OpenAPI document has no ``$defs``).

    A definition used in several places loses its title there, so that a client generator names each place
    by its property ("…SalesItem", "…ReturnsItem") instead of making one model name twice."""
    definitions = schema.pop("$defs", {})
    uses = Counter(re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema) + json.dumps(definitions)))

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[1]
                inlined = dict(definitions[name])
                if uses[name] > 1:
                    inlined.pop("title", None)
                return resolve(inlined)
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def body_schema(model: type[Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(model.model_json_schema())}},
        }
    }


SUBMISSION_BODY = body_schema(JournalIn)
BEYOND_THE_SCHEMA = "A body that fits the schema is refused (422) only for what a schema cannot state: " + "; ".join(
    f"{rule} ({code})" for code, rule in RULES_BEYOND_THE_SCHEMA.items()
)


# --- reading a submission ----------------------------------------------------------------------------------------


def read_json(request: HttpRequest, *, optional: bool = False) -> Any:
    """The body decoded (an optional one that is empty: ``{}``); 413 when too large, 422 when it is no JSON."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(
            413,
            _("The body is larger than %(size)s bytes; send fewer lines per journal.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )
    if optional and not raw:
        return {}
    try:
        return json.loads(raw or b"", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise invalid([Problem("body", Message.of(m.BODY_NOT_JSON, error=str(exc)))])


# The order an answer shows a journal's lines and attempts in (JournalOut.of), read either way below.
_LINE_ORDER = ("line_no",)
_ATTEMPT_ORDER = ("started_at", "id")


def _lines_and_attempts() -> tuple[Prefetch[Any], Prefetch[Any]]:
    """What an answer shows of a journal beside its own row (JournalOut.of): its lines and attempts, in order.
    New for each use: Django's prefetching writes hints (the instance) into the querysets it is given."""
    return (
        Prefetch("lines", queryset=JournalLine.objects.order_by(*_LINE_ORDER)),
        Prefetch("attempts", queryset=Attempt.objects.order_by(*_ATTEMPT_ORDER)),
    )


# The same for one journal by statements compiled once: the answer to a journal sent again (an ERP that missed
# the first answer) built both queries through prefetching every time.
_LINES_OF = Lookup(
    lambda journal: JournalLine.objects.filter(journal_id=journal).order_by(*_LINE_ORDER), param("journal", 907_001_001)
)
_ATTEMPTS_OF = Lookup(
    lambda journal: Attempt.objects.filter(journal_id=journal).order_by(*_ATTEMPT_ORDER),
    param("journal", 907_001_001),
)


def _read_lines_and_attempts(journal: Journal) -> None:
    """What JournalOut.of shows of ``journal`` beyond its row and connector."""
    with_lines_and_attempts(journal, _LINES_OF.rows(journal=journal.pk), _ATTEMPTS_OF.rows(journal=journal.pk))


def _journals(key: ApiKey) -> QuerySet[Journal]:
    return Journal.objects.for_company(key.company).select_related("connector").prefetch_related(*_lines_and_attempts())


def _journal(key: ApiKey, journal_id: int) -> Journal:
    journal = _journals(key).filter(pk=journal_id).first()
    if journal is None:
        raise ApiError(404, _("There is no journal %(id)s.") % {"id": journal_id})
    return journal


def _answer(key: ApiKey, journal_id: int) -> JournalOut:
    """The journal as it stands now, as the API answers it (404 when it is not the key's company's)."""
    return JournalOut.of(_journal(key, journal_id))


# --- endpoints ----------------------------------------------------------------------------------------------


@router.post(
    "",
    response={200: JournalOut, 201: JournalOut, 409: ConflictOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=SUBMISSION_BODY,
    summary="Submit a journal (idempotent on reference)",
    description=(
        "201: stored as new; 200: this reference was submitted before with the same content (that journal); "
        "409: the reference is known with other content (the differences are named by field path, e.g. "
        "`lines[1].credit: '100.00' → '99.00'`); 422: every problem.\n\n" + BEYOND_THE_SCHEMA
    ),
)
def post_journal(request: HttpRequest) -> Status:
    key = request_key(request)
    try:
        submitted = submit_journal(key.company, read_json(request), source=Source.API)
    except SubmissionInvalid as exc:
        raise invalid(exc.problems, journal=True)
    except JournalConflict as exc:
        raise ApiError(
            409,
            _("Reference %(reference)s was submitted before with other content.")
            % {"reference": exc.journal.reference},
            journal=exc.journal.pk,
            differences=exc.differences,
        )
    if submitted.created:
        return Status(201, JournalOut.of(submitted.journal))  # its lines are in memory: nothing is read back
    # Found by its reference with its connector: its lines and attempts are what is left to read.
    _read_lines_and_attempts(submitted.journal)
    return Status(200, JournalOut.of(submitted.journal))


class DryRunOut(Schema):
    ok: bool = Field(
        description="nothing found: the journal would be accepted and, as far as Exact's data goes, posted"
    )
    accepted: bool = Field(description="POST /api/v1/journals would accept it (the rest can be fixed afterwards)")
    problems: list[ProblemOut]
    lines: list[dict[str, Any]] = Field(
        description="each line as it would be sent: Exact's GL account and VAT code, the signed amount"
    )


@router.post(
    "/validate",
    response={200: DryRunOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=SUBMISSION_BODY,
    summary="Check a journal without storing it (dry run)",
)
def validate_journal(request: HttpRequest) -> dict[str, Any]:
    """The same body as ``POST /api/v1/journals``, read by the same parser and checked by the same check against
    the connector's Exact data as last read; nothing is stored and nothing is sent to Exact."""
    key = request_key(request)
    checked = Admission(key.company).check(read_json(request))
    problems = list(checked.problems)
    if checked.result is not None:
        problems += [problem for problem in checked.result.problems if problem not in problems]
    return {
        "ok": checked.ok and not problems,
        "accepted": checked.ok,
        "problems": [problem.as_dict() for problem in problems],
        "lines": [line.as_dict() for line in checked.result.lines] if checked.result is not None else [],
    }


class CountOut(Schema):
    count: int


@router.post(
    "/wait-for-periods",
    response={200: CountOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra={"requestBody": {**body_schema(WaitIn)["requestBody"], "required": False}},
    summary="Let every journal refused for a closed period wait until its period reopens",
)  # before "/{journal_id}": ninja matches routes in order
def wait_journals(request: HttpRequest) -> dict[str, int]:
    key = request_key(request)
    body, problems = read(WaitIn, read_json(request, optional=True))
    if body is None:
        raise invalid(problems)
    connector = None
    if body.connector is not None:
        connector = Connector.objects.for_company(key.company).filter(number=body.connector).first()
        if connector is None:
            raise invalid([Problem("connector", Message.of(m.CONNECTOR_UNKNOWN, number=body.connector))])
    return {"count": wait_for_periods(key.company, Actor.api_key(key.prefix), connector)}


@router.get("/{journal_id}", response={200: JournalOut, 404: ErrorOut, **AUTH_ERRORS}, summary="One journal")
def get_journal(request: HttpRequest, journal_id: int) -> JournalOut:
    return _answer(request_key(request), journal_id)


# The list's filters are checked below (with coded, translated messages); these state the same rules.
def between(maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": maximum}


LIST_QUERY = ("status", "date_from", "date_to", "connector", "page", "page_size")
STATUS_FILTER: dict[str, Any] = {
    "type": "string",
    "enum": [*JournalStatus.values, ""],
    "description": "empty: every status",
}
DATE_FILTER: dict[str, Any] = {
    "anyOf": [{"type": "string", "format": "date", "pattern": ISO_DATE_PATTERN}, {"enum": [""]}],
    "description": "yyyy-mm-dd; empty: no bound",
}


def _parse_date(value: str, name: str, problems: list[Problem]) -> date | None:
    if not value:
        return None
    if ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(name, Message.of(m.FILTER_DATE, field=name)))
    return None


@router.get(
    "", response={200: JournalPage, 422: ProblemsOut, **AUTH_ERRORS}, summary="Journals, newest date first, paged"
)
def list_journals(
    request: HttpRequest,
    status: Annotated[str, WithJsonSchema(STATUS_FILTER)] = "",
    date_from: Annotated[str, WithJsonSchema(DATE_FILTER)] = "",
    date_to: Annotated[str, WithJsonSchema(DATE_FILTER)] = "",
    connector: Annotated[int | None, WithJsonSchema(between(MAX_CONNECTOR))] = None,
    page: Annotated[int, WithJsonSchema(between(MAX_PAGE))] = 1,
    page_size: Annotated[int, WithJsonSchema(between(MAX_PAGE_SIZE))] = PAGE_SIZE,
) -> JournalPage:
    key = request_key(request, LIST_QUERY)
    problems: list[Problem] = []
    if status and status not in JournalStatus.values:
        problems.append(Problem("status", Message.of(m.FILTER_STATUS, values=", ".join(JournalStatus.values))))
    start = _parse_date(date_from, "date_from", problems)
    end = _parse_date(date_to, "date_to", problems)
    if connector is not None and not 1 <= connector <= MAX_CONNECTOR:
        problems.append(Problem("connector", Message.of(m.FILTER_RANGE, field="connector", max=MAX_CONNECTOR)))
    if not 1 <= page <= MAX_PAGE:
        problems.append(Problem("page", Message.of(m.FILTER_RANGE, field="page", max=MAX_PAGE)))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        problems.append(Problem("page_size", Message.of(m.FILTER_RANGE, field="page_size", max=MAX_PAGE_SIZE)))
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
    return JournalPage.model_construct(
        count=total,
        page=page,
        pages=max(1, math.ceil(total / page_size)),
        page_size=page_size,
        counts=counts,
        items=[JournalOut.of(journal) for journal in journals.order_by("-date", "-id")[offset : offset + page_size]],
    )


@router.post(
    "/{journal_id}/resend",
    response={200: JournalOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Queue a failed journal again",
)
def resend_journal(request: HttpRequest, journal_id: int) -> JournalOut:
    key = request_key(request)
    journal = _journal(key, journal_id)
    if journal.status != JournalStatus.FAILED or not resend(journal, Actor.api_key(key.prefix)):
        journal.refresh_from_db(fields=["status"])
        raise ApiError(
            409,
            Message.of(m.NOT_RESENDABLE, id=journal.pk, status=journal.status),
            status=journal.status,
        )
    return _answer(key, journal_id)


@router.post(
    "/{journal_id}/send-now",
    response={200: JournalOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Send a waiting journal with the worker's next round",
)
def send_journal_now(request: HttpRequest, journal_id: int) -> JournalOut:
    """A queued journal put off until later (Exact asked to wait, a rate limit, a token) is due at once; 409 for
    any journal that is not waiting."""
    key = request_key(request)
    journal = _journal(key, journal_id)
    if not send_now(journal):
        journal.refresh_from_db(fields=["status"])
        raise ApiError(409, Message.of(m.NOT_WAITING, id=journal.pk, status=journal.status), status=journal.status)
    return _answer(key, journal_id)


@router.post(
    "/{journal_id}/wait",
    response={200: JournalOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Let a journal refused for a closed period wait until the period reopens",
)
def wait_journal(request: HttpRequest, journal_id: int) -> JournalOut:
    """The journal is queued and tried once an hour (with the others waiting for that period) until Exact
    accepts it; Send now tries it at once. 409 for a journal not failed on a closed period."""
    key = request_key(request)
    journal = _journal(key, journal_id)
    if not wait_for_period(journal, Actor.api_key(key.prefix)):
        journal.refresh_from_db(fields=["status"])
        raise ApiError(
            409, Message.of(m.NOT_HELD_BY_PERIOD, id=journal.pk, status=journal.status), status=journal.status
        )
    return _answer(key, journal_id)


def _not_cancellable(journal: Journal) -> ApiError:
    journal.refresh_from_db(fields=["status"])
    return ApiError(409, Message.of(m.NOT_CANCELLABLE, id=journal.pk, status=journal.status), status=journal.status)


@router.post(
    "/{journal_id}/cancel",
    response={200: JournalOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS},
    summary="Cancel a journal that is not in Exact",
)
def cancel_journal(request: HttpRequest, journal_id: int) -> JournalOut:
    """A queued or failed journal is never sent (it keeps its reference); 409 for one that is or may be in Exact."""
    key = request_key(request)
    journal = _journal(key, journal_id)
    if not cancel(journal, Actor.api_key(key.prefix)):
        raise _not_cancellable(journal)
    return _answer(key, journal_id)


@router.post(
    "/{journal_id}/move",
    response={200: JournalOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=body_schema(MoveIn),
    summary="Send a journal that is not in Exact through another connector",
)
def move_journal(request: HttpRequest, journal_id: int) -> JournalOut:
    key = request_key(request)
    journal = _journal(key, journal_id)
    body, problems = read(MoveIn, read_json(request))
    if body is None:
        raise invalid(problems)
    target = Connector.objects.for_company(key.company).filter(number=body.connector).first()
    if target is None:
        raise invalid([Problem("connector", Message.of(m.CONNECTOR_UNKNOWN, number=body.connector))])
    if target.pk == journal.connector_id:
        raise ApiError(409, Message.of(m.MOVE_SAME_CONNECTOR, id=journal.pk, number=target.number))
    if not move(journal, target, Actor.api_key(key.prefix)):
        raise _not_cancellable(journal)
    return _answer(key, journal_id)


class CorrectionOut(Schema):
    reversal: JournalOut = Field(description="the original's lines on the other side, same date and connector")
    corrected: JournalOut


@router.post(
    "/{journal_id}/correct",
    response={
        200: CorrectionOut,
        201: CorrectionOut,
        404: ErrorOut,
        409: ErrorOut | ConflictOut,
        **AUTH_ERRORS,
        **BODY_ERRORS,
    },
    openapi_extra=SUBMISSION_BODY,
    summary="Correct a posted journal: its reversal and the corrected journal, each posted once",
)
def correct_journal(request: HttpRequest, journal_id: int) -> Status[Any]:
    """The body is the corrected journal, as for ``POST /api/v1/journals``, with a reference of its own. 201: the
    reversal (reference ``<original>~reversal``) and the corrected journal are stored, queued; 200: this
    correction was made before (the same pair); 409: the journal is not posted, or was corrected by another."""
    key = request_key(request)
    original = _journal(key, journal_id)
    try:
        made = correct(original, read_json(request), Actor.api_key(key.prefix))
    except SubmissionInvalid as exc:
        raise invalid(exc.problems, journal=True)
    except NotCorrectable as exc:
        raise ApiError(409, exc.message)
    except JournalConflict as exc:
        raise ApiError(
            409,
            _("Reference %(reference)s was submitted before with other content.")
            % {"reference": exc.journal.reference},
            journal=exc.journal.pk,
            differences=exc.differences,
        )
    pair = CorrectionOut.model_construct(
        reversal=_answer(key, made.reversal.pk),
        corrected=_answer(key, made.corrected.pk),
    )
    return Status(201 if made.created else 200, pair)
