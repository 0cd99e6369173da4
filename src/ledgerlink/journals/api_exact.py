"""A connector's Exact data over the REST API: what the ERP builds its mapping from.

``GET /api/v1/connectors/{number}/reference/{gl-accounts|vat-codes|journals|periods|customers}`` answer the
cache the mapping page shows (``exact_data``: read once, then daily, on demand and after a refusal), with its
age, paged as the journals list is; they never call Exact. ``POST …/reference/refresh`` reads everything again
now, as the page's **Refresh from Exact** does, and answers when it is stored (200), so the ERP can read the
lists at once. A refresh costs Exact calls from the division's budget (60 a minute): one within
``REFRESH_INTERVAL`` of the last is answered 429 with ``Retry-After``.

The paths sit under ``/connectors`` beside connectors/api.py's, but the data is the journals app's.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from django.db.models import Max
from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import WithJsonSchema

from exactlink.errors import ExactError
from ledgerlink.connectors.api import company_connector
from ledgerlink.connectors.engine import TokenUnavailable
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import AUTH_ERRORS, ApiError, ErrorOut, Problem, ProblemsOut, invalid
from ledgerlink.journals import exact_data
from ledgerlink.journals import messages as m
from ledgerlink.journals.api import MAX_PAGE, MAX_PAGE_SIZE, PAGE_SIZE, CompanyKey, between, request_key
from ledgerlink.journals.choices import ExactDataKind
from ledgerlink.journals.models import ExactDataSnapshot

router = Router(auth=CompanyKey(), tags=["exact data"])

REFRESH_INTERVAL = timedelta(seconds=60)
PAGE_QUERY = ("page", "page_size")


class GlAccountOut(Schema):
    id: str = Field(description="Exact's ID (a GUID)")
    code: str
    description: str
    type: int | None = Field(description="Exact's GL account type")
    balance_type: str = Field(description="B: balance sheet, W: profit and loss")
    blocked: bool
    vat_code: str


class VatCodeOut(Schema):
    code: str
    description: str
    type: str
    percentage: str = Field(description="a decimal fraction as text, e.g. 0.21", examples=["0.21"])
    blocked: bool


class ExactJournalOut(Schema):
    code: str
    description: str
    type: int | None = Field(description="Exact's journal type (10 cash, 12 bank, 20 sales, 90 general, …)")
    allow_vat: bool


class PeriodOut(Schema):
    year: int
    period: int
    start: date | None
    end: date | None
    closed: bool = Field(
        description="Exact refused an entry for this period as closed (learnt; Exact cannot be asked); "
        "a refresh forgets it"
    )


class CustomerOut(Schema):
    id: str = Field(description="Exact's ID (a GUID)")
    code: str
    name: str


class ReferencePage(Schema):
    division: int | None = Field(description="the division the data was read from; null: never read")
    fetched_at: datetime | None = Field(description="when it was read from Exact; null: never (POST …/refresh)")
    age_seconds: int | None = Field(description="seconds since fetched_at")
    count: int
    page: int
    pages: int
    page_size: int


class GlAccountPage(ReferencePage):
    items: list[GlAccountOut]


class VatCodePage(ReferencePage):
    items: list[VatCodeOut]


class ExactJournalPage(ReferencePage):
    items: list[ExactJournalOut]


class PeriodPage(ReferencePage):
    items: list[PeriodOut]


class CustomerPage(ReferencePage):
    items: list[CustomerOut]


def _snapshot(connector: Connector, kind: ExactDataKind) -> ExactDataSnapshot | None:
    """The cached list of the connector's current division (a list read for another division is no answer)."""
    if connector.division is None:
        return None
    return ExactDataSnapshot.objects.filter(connector=connector, kind=kind, division=connector.division).first()


def _items(kind: ExactDataKind, snapshot: ExactDataSnapshot | None) -> list[dict[str, Any]]:
    """Every item of a list kept as one JSON list (not customers: see :func:`_slice`)."""
    if snapshot is None:
        return []
    if kind == ExactDataKind.PERIODS:
        stored = snapshot.items if isinstance(snapshot.items, dict) else {}
        closed = set(stored.get("closed", []))
        periods = [{**p, "closed": f"{p['year']}/{p['period']}" in closed} for p in stored.get("periods", [])]
        return sorted(periods, key=lambda p: (p["year"] or 0, p["period"] or 0))
    return sorted(snapshot.items, key=lambda item: (item.get("code", ""), item.get("id", "")))


def _slice(kind: ExactDataKind, snapshot: ExactDataSnapshot | None, offset: int, limit: int) -> tuple[int, list[Any]]:
    """How many items there are, and ``limit`` of them from ``offset``. Customers are rows of their own (an
    administration may hold 50,000): counted and paged by the database, never loaded whole."""
    if snapshot is not None and kind in (ExactDataKind.CUSTOMERS, ExactDataKind.SUPPLIERS):
        relations = exact_data.Relations(snapshot.connector_id, snapshot)
        return len(relations), relations.page(offset, limit)
    items = _items(kind, snapshot)
    return len(items), items[offset : offset + limit]


def _page(request: HttpRequest, number: int, kind: ExactDataKind, page: int, page_size: int) -> dict[str, Any]:
    key = request_key(request, PAGE_QUERY)
    problems: list[Problem] = []
    if not 1 <= page <= MAX_PAGE:
        problems.append(Problem("page", Message.of(m.FILTER_RANGE, field="page", max=MAX_PAGE)))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        problems.append(Problem("page_size", Message.of(m.FILTER_RANGE, field="page_size", max=MAX_PAGE_SIZE)))
    if problems:
        raise invalid(problems)
    connector = company_connector(key.company, number)
    snapshot = _snapshot(connector, kind)
    count, items = _slice(kind, snapshot, (page - 1) * page_size, page_size)
    return {
        "division": snapshot.division if snapshot else None,
        "fetched_at": snapshot.fetched_at if snapshot else None,
        "age_seconds": int((clock.now() - snapshot.fetched_at).total_seconds()) if snapshot else None,
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / page_size)),
        "page_size": page_size,
        "items": items,
    }


Page = Annotated[int, WithJsonSchema(between(MAX_PAGE))]
PageSize = Annotated[int, WithJsonSchema(between(MAX_PAGE_SIZE))]
READ_ERRORS = {404: ErrorOut, 422: ProblemsOut, **AUTH_ERRORS}


@router.get(
    "/{number}/reference/gl-accounts", response={200: GlAccountPage, **READ_ERRORS}, summary="Exact's GL accounts"
)
def gl_accounts(request: HttpRequest, number: int, page: Page = 1, page_size: PageSize = PAGE_SIZE) -> Any:
    return _page(request, number, ExactDataKind.GL_ACCOUNTS, page, page_size)


@router.get("/{number}/reference/vat-codes", response={200: VatCodePage, **READ_ERRORS}, summary="Exact's VAT codes")
def vat_codes(request: HttpRequest, number: int, page: Page = 1, page_size: PageSize = PAGE_SIZE) -> Any:
    return _page(request, number, ExactDataKind.VAT_CODES, page, page_size)


@router.get("/{number}/reference/journals", response={200: ExactJournalPage, **READ_ERRORS}, summary="Exact's journals")
def exact_journals(request: HttpRequest, number: int, page: Page = 1, page_size: PageSize = PAGE_SIZE) -> Any:
    return _page(request, number, ExactDataKind.JOURNALS, page, page_size)


@router.get(
    "/{number}/reference/periods",
    response={200: PeriodPage, **READ_ERRORS},
    summary="Exact's financial periods, by year and period",
)
def periods(request: HttpRequest, number: int, page: Page = 1, page_size: PageSize = PAGE_SIZE) -> Any:
    return _page(request, number, ExactDataKind.PERIODS, page, page_size)


@router.get("/{number}/reference/customers", response={200: CustomerPage, **READ_ERRORS}, summary="Exact's customers")
def customers(request: HttpRequest, number: int, page: Page = 1, page_size: PageSize = PAGE_SIZE) -> Any:
    return _page(request, number, ExactDataKind.CUSTOMERS, page, page_size)


class RefreshOut(Schema):
    division: int
    fetched_at: datetime
    counts: dict[str, int] = Field(description="items read per list (gl-accounts, vat-codes, …)")


PATHS = {
    ExactDataKind.GL_ACCOUNTS: "gl-accounts",
    ExactDataKind.VAT_CODES: "vat-codes",
    ExactDataKind.JOURNALS: "journals",
    ExactDataKind.PERIODS: "periods",
    ExactDataKind.CUSTOMERS: "customers",
    ExactDataKind.SUPPLIERS: "suppliers",
}


@router.post(
    "/{number}/reference/refresh",
    response={200: RefreshOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut, 502: ErrorOut, **AUTH_ERRORS},
    summary="Read Exact's data again now",
)
def refresh_reference(request: HttpRequest, number: int) -> Any:
    """Reads every list from Exact and stores it before answering (200), and forgets the periods learnt to be
    closed. 409: the connector has no division or no valid token (the code says which; a person must act);
    429: read less than a minute ago (``Retry-After``); 502: Exact refused or did not answer."""
    key = request_key(request)
    connector = company_connector(key.company, number)
    if connector.division is None:
        raise ApiError(409, Message.of(m.EXACT_DATA_NO_DIVISION, number=connector.number))
    last = ExactDataSnapshot.objects.filter(connector=connector, division=connector.division).aggregate(
        at=Max("fetched_at")
    )["at"]
    now = clock.now()
    if last is not None and now - last < REFRESH_INTERVAL:
        wait = math.ceil((REFRESH_INTERVAL - (now - last)).total_seconds())
        raise ApiError(429, Message.of(m.EXACT_DATA_RECENT, seconds=wait), headers={"Retry-After": str(max(1, wait))})
    try:
        exact_data.refresh(connector)
    except TokenUnavailable as exc:
        raise ApiError(409, exc.message)
    except ExactError as exc:
        raise ApiError(502, Message.of(m.EXACT_DATA_UNREADABLE, error=str(exc)))
    snapshots = ExactDataSnapshot.objects.filter(connector=connector, division=connector.division)
    counts = {PATHS[ExactDataKind(s.kind)]: _slice(ExactDataKind(s.kind), s, 0, 0)[0] for s in snapshots}
    return {
        "division": connector.division,
        "fetched_at": min(s.fetched_at for s in snapshots),
        "counts": {path: counts.get(path, 0) for path in PATHS.values()},
    }
