"""The closings part of the REST API: receive a POS day closing, read it back, correct it.

Answers like ``POST /api/v1/journals``: 201 stored as new (with its day journal), 200 the same day with the
same content (the closing stored), 409 the same day (connector, store, terminal, date) with other content,
422 every problem (field paths such as ``payments[3].method``; an unmapped payment method is named).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import ngettext
from ninja import Field, Router, Schema, Status

from ledgerlink.closings import messages as m
from ledgerlink.closings.actions import (
    ClosingConflict,
    ClosingInvalid,
    ClosingNotCorrectable,
    correct_closing,
    receive,
)
from ledgerlink.closings.intake import RULES_BEYOND_THE_SCHEMA, ClosingIn
from ledgerlink.closings.models import Closing, ClosingJournal
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import AUTH_ERRORS, BODY_ERRORS, ApiError, ErrorOut, invalid
from ledgerlink.journals.api import CompanyKey, body_schema, read_json, request_key
from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy.audit import Actor

router = Router(auth=CompanyKey(), tags=["closings"])
CLOSING_BODY = body_schema(ClosingIn)
BEYOND_THE_SCHEMA = "A body that fits the schema is refused (422) only for what a schema cannot state: " + "; ".join(
    f"{rule} ({code})" for code, rule in RULES_BEYOND_THE_SCHEMA.items()
)


class ClosingJournalOut(Schema):
    id: int
    role: str = Field(description="day: the day journal; reversal: cancels a corrected one; replaced: cancelled")
    revision: int
    reference: str
    status: str
    exact_entry_number: str


class ClosingOut(Schema):
    id: int
    connector: int
    store: str
    terminal: str
    date: date
    revision: int = Field(description="1, and one more for each correction")
    journal: int = Field(description="the day journal's id (GET /api/v1/journals/{id})")
    status: str = Field(description="the day journal's status")
    exact_entry_number: str
    journals: list[ClosingJournalOut]
    closing: dict[str, Any] = Field(description="the closing as received (after a correction: as corrected)")
    created_at: datetime
    updated_at: datetime


class ClosingConflictOut(Schema):
    detail: str
    code: str
    closing: int
    differences: list[str]
    fix: str = ""


def as_out(closing: Closing) -> dict[str, Any]:
    links = ClosingJournal.objects.filter(closing=closing).select_related("journal").order_by("revision", "id")
    journal = closing.journal
    return {
        "id": closing.pk,
        "connector": closing.connector.number,
        "store": closing.store,
        "terminal": closing.terminal,
        "date": closing.date,
        "revision": closing.revision,
        "journal": journal.pk,
        "status": journal.status,
        "exact_entry_number": journal.exact_entry_number,
        "journals": [
            {
                "id": link.journal.pk,
                "role": link.role,
                "revision": link.revision,
                "reference": link.journal.reference,
                "status": link.journal.status,
                "exact_entry_number": link.journal.exact_entry_number,
            }
            for link in links
        ],
        "closing": closing.content,
        "created_at": closing.created_at,
        "updated_at": closing.updated_at,
    }


def _closing(key: ApiKey, closing_id: int) -> Closing:
    closing = (
        Closing.objects.for_company(key.company).filter(pk=closing_id).select_related("connector", "journal").first()
    )
    if closing is None:
        raise ApiError(404, Message.of(m.NOT_FOUND, id=closing_id))
    return closing


def _refused(exc: ClosingInvalid) -> ApiError:
    error = invalid(exc.problems)
    count = len(error.extra["problems"])
    error.message = ngettext(
        "The closing was not accepted: %(count)s problem.", "The closing was not accepted: %(count)s problems.", count
    ) % {"count": count}
    return error


def _conflict(exc: ClosingConflict) -> ApiError:
    closing = exc.closing
    message = Message.of(m.CONFLICT, store=closing.store, terminal=closing.terminal, date=closing.date, id=closing.pk)
    return ApiError(409, message, closing=closing.pk, differences=exc.differences, fix=message.fix())


@router.post(
    "",
    response={200: ClosingOut, 201: ClosingOut, 409: ClosingConflictOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=CLOSING_BODY,
    summary="Send a POS day closing (idempotent on connector, store, terminal and date)",
    description=(
        "201: stored as new, with its day journal (queued, posted by the worker); 200: this day was received "
        "before with the same content (that closing); 409: this day is known with other content (the differences "
        "are named; correct it with POST /api/v1/closings/{id}/correct); 422: every problem, with its field path "
        "(an unmapped payment method or VAT rate is named, as is a closing whose payments do not equal its sales).\n\n"
        + BEYOND_THE_SCHEMA
    ),
)
def post_closing(request: HttpRequest) -> Status[Any]:
    key = request_key(request)
    try:
        received = receive(key.company, read_json(request))
    except ClosingInvalid as exc:
        raise _refused(exc)
    except ClosingConflict as exc:
        raise _conflict(exc)
    return Status(201 if received.created else 200, as_out(received.closing))


@router.get("/{closing_id}", response={200: ClosingOut, 404: ErrorOut, **AUTH_ERRORS}, summary="One day closing")
def get_closing(request: HttpRequest, closing_id: int) -> dict[str, Any]:
    return as_out(_closing(request_key(request), closing_id))


@router.post(
    "/{closing_id}/correct",
    response={200: ClosingOut, 201: ClosingOut, 404: ErrorOut, 409: ErrorOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=CLOSING_BODY,
    summary="Correct a day closing: a posted day is reversed and booked again",
    description=(
        "The body is the corrected closing of the same day. A posted day journal gets its reversal and a new day "
        "journal, each posted once; one not yet in Exact is cancelled and replaced. 201: corrected; 200: the "
        "closing already has this content; 409: its day journal is being sent (try again once it is posted)."
    ),
)
def correct_closing_api(request: HttpRequest, closing_id: int) -> Status[Any]:
    key = request_key(request)
    closing = _closing(key, closing_id)
    try:
        corrected = correct_closing(closing, read_json(request), Actor.api_key(key.prefix))
    except ClosingInvalid as exc:
        raise _refused(exc)
    except ClosingNotCorrectable as exc:
        raise ApiError(409, exc.message)
    return Status(201 if corrected.created else 200, as_out(_closing(key, closing_id)))
