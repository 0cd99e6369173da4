"""Exact data: a connector's division's GL accounts, VAT codes, journals, financial periods and customers.

Kept in the database so that a journal costs one API call: read once, then again on demand (mapping page),
daily, and whenever Exact refuses an entry over something in it (see ``refresh_after_refusal``). Closed
periods cannot be read from Exact (FinancialPeriods has no such field); they are learnt from Exact's
refusals and kept with the periods, until a Resend or the worker's hourly probe finds the period open again.

("Reference" means one thing in ledgerlink: the ERP's own key of a journal. This is Exact data.)
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from exactlink import ExactClient, F, Query
from ledgerlink.connectors.engine import ConnectorTokens
from ledgerlink.connectors.exact import client_for
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.rows import Lookup, Values, param
from ledgerlink.journals.choices import ExactDataKind
from ledgerlink.journals.kinds import Relation
from ledgerlink.journals.lock_objects import lock_snapshot
from ledgerlink.journals.models import ExactDataSnapshot, ExactRelation

MAX_AGE = timedelta(days=1)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def fetch(connector: Connector, client: ExactClient | None = None) -> None:
    """Read every kind from Exact and store it (one transaction per kind).

    ``client`` is the caller's (a worker's, whose waits fit its round); without one, a client for a person
    waiting is made and closed here.
    """
    division = connector.division
    if division is None:
        raise ValueError("the connector has no division")
    with ExitStack() as stack:
        if client is None:
            client = stack.enter_context(client_for(connector, ConnectorTokens(connector.pk)))
        exact = client.division(division)
        gl = [
            {
                "id": str(a["ID"]),
                "code": _text(a.get("Code")),
                "description": _text(a.get("Description")),
                "type": a.get("Type"),
                "balance_type": _text(a.get("BalanceType")),
                "blocked": bool(a.get("IsBlocked")),
                "vat_code": _text(a.get("VATCode")),
            }
            for a in exact.gl_accounts.iterate(
                Query().select("ID", "Code", "Description", "Type", "BalanceType", "IsBlocked", "VATCode")
            )
        ]
        vat = [
            {
                "code": _text(v.get("Code")),
                "description": _text(v.get("Description")),
                "type": _text(v.get("Type")),
                "percentage": str(v.get("Percentage") or "0"),
                "blocked": bool(v.get("IsBlocked")),
                "use": _text(v.get("VATTransactionType")),  # S sales only, P purchases only, B both
            }
            for v in exact.vat_codes.iterate(
                Query().select("ID", "Code", "Description", "Type", "Percentage", "IsBlocked", "VATTransactionType")
            )
        ]
        journals = [
            {
                "code": _text(j.get("Code")),
                "description": _text(j.get("Description")),
                "type": j.get("Type"),
                "allow_vat": bool(j.get("AllowVAT")),
            }
            for j in exact.journals.iterate(Query().select("ID", "Code", "Description", "Type", "AllowVAT"))
        ]
        periods = [
            {
                "year": p.get("FinYear"),
                "period": p.get("FinPeriod"),
                "start": p["StartDate"].isoformat() if p.get("StartDate") else None,
                "end": p["EndDate"].isoformat() if p.get("EndDate") else None,
            }
            for p in exact.financial_periods.iterate(
                Query().select("ID", "FinYear", "FinPeriod", "StartDate", "EndDate")
            )
        ]
        customers = [
            {"id": str(c["ID"]), "code": _text(c.get("Code")), "name": _text(c.get("Name"))}
            for c in exact.accounts.iterate(
                Query().select("ID", "Code", "Name", "IsSales").filter(F("IsSales") == True)  # noqa: E712 (an OData comparison, not a truth test)
            )
        ]
        suppliers = [
            {"id": str(c["ID"]), "code": _text(c.get("Code")), "name": _text(c.get("Name"))}
            for c in exact.accounts.iterate(
                Query().select("ID", "Code", "Name", "IsSupplier").filter(F("IsSupplier") == True)  # noqa: E712 (as above)
            )
        ]
    store(
        connector,
        division,
        gl=gl,
        vat=vat,
        journals=journals,
        periods=periods,
        customers=customers,
        suppliers=suppliers,
    )


def store(
    connector: Connector,
    division: int,
    *,
    gl: list[dict[str, Any]],
    vat: list[dict[str, Any]],
    journals: list[dict[str, Any]],
    periods: list[dict[str, Any]],
    customers: list[dict[str, Any]],
    suppliers: list[dict[str, Any]] | None = None,
) -> None:
    """Keep what was read from ``division`` (one transaction per kind); the closed periods learnt stay."""
    closed = load_closed(connector)
    now = clock.now()
    for kind, items in (
        (ExactDataKind.GL_ACCOUNTS, gl),
        (ExactDataKind.VAT_CODES, vat),
        (ExactDataKind.JOURNALS, journals),
        (ExactDataKind.PERIODS, {"periods": periods, "closed": closed}),
    ):
        with transaction.atomic():
            ExactDataSnapshot.objects.update_or_create(
                connector=connector, kind=kind, defaults={"items": items, "fetched_at": now, "division": division}
            )
    _store_relations(connector, division, ExactDataKind.CUSTOMERS, customers, now)
    _store_relations(connector, division, ExactDataKind.SUPPLIERS, suppliers or [], now)


RELATION_CHUNK = 2000  # rows written per transaction: on SQLite, how long another writer may have to wait


def _store_relations(
    connector: Connector, division: int, kind: ExactDataKind, relations: list[dict[str, Any]], now: datetime
) -> None:
    """Relations are rows of their own (found by code through an index); their snapshot names the generation
    in use and how many it holds.

    A new read is written as a new generation in short transactions (50,000 customers in one would hold
    SQLite's write lock for seconds), then the snapshot is pointed at it, then the older generations are
    deleted: a reader sees the old set or the new one, never half. Of two reads at once, one gives way (the
    same generation number taken twice), or the older one is not pointed at. Exact's codes are unique per
    division; a repeated one (never seen) keeps its first row rather than failing the read."""
    generation = (
        ExactRelation.objects.filter(connector=connector, kind=kind).aggregate(top=Max("generation"))["top"] or 0
    ) + 1
    rows: dict[str, ExactRelation] = {}
    for r in relations:
        rows.setdefault(
            r["code"],
            ExactRelation(
                connector=connector,
                kind=kind,
                division=division,
                generation=generation,
                code=r["code"],
                exact_id=r["id"],
                name=r["name"],
            ),
        )
    written = list(rows.values())
    try:
        for start in range(0, len(written), RELATION_CHUNK):
            with transaction.atomic():
                ExactRelation.objects.bulk_create(written[start : start + RELATION_CHUNK])
    except IntegrityError:
        return  # another read of the same connector is writing this generation: it stands for this one
    with transaction.atomic():
        snapshot = lock_snapshot(connector, kind)
        current = _generation(snapshot)
        if current >= generation:
            return  # a later read was pointed at first; this one's rows go with the next clean-up
        ExactDataSnapshot.objects.update_or_create(
            connector=connector,
            kind=kind,
            defaults={
                "items": {"count": len(written), "generation": generation},
                "fetched_at": now,
                "division": division,
            },
        )
    stale = ExactRelation.objects.filter(connector=connector, kind=kind, generation__lt=generation)
    while ids := list(stale.values_list("pk", flat=True)[:RELATION_CHUNK]):
        with transaction.atomic():
            ExactRelation.objects.filter(pk__in=ids).delete()


def _generation(snapshot: ExactDataSnapshot | None) -> int:
    if snapshot is None or not isinstance(snapshot.items, dict):
        return 0
    return int(snapshot.items.get("generation", 0))


def refresh(connector: Connector) -> None:
    """Read everything from Exact again and forget the learnt closed periods (one may have been reopened): the
    mapping page's **Refresh from Exact** and ``POST /api/v1/connectors/{number}/reference/refresh``."""
    fetch(connector)
    reopen_periods(connector)


def load_closed(connector: Connector) -> list[str]:
    snapshot = ExactDataSnapshot.objects.filter(connector=connector, kind=ExactDataKind.PERIODS).first()
    if snapshot is None or snapshot.division != connector.division or not isinstance(snapshot.items, dict):
        return []
    return list(snapshot.items.get("closed", []))


def mark_period_closed(connector: Connector, year: int, period: int) -> None:
    with transaction.atomic():
        snapshot = lock_snapshot(connector, ExactDataKind.PERIODS)
        if snapshot is None or not isinstance(snapshot.items, dict):
            return
        closed = set(snapshot.items.get("closed", []))
        closed.add(f"{year}/{period}")
        snapshot.items = {**snapshot.items, "closed": sorted(closed)}
        snapshot.save(update_fields=["items"])


def forget_closed_period(connector: Connector, day: date) -> None:
    """Forget that the period holding ``day`` was closed: a person says it was reopened (Resend), so the next
    attempt asks Exact again instead of failing on what was learnt from an earlier refusal."""
    with transaction.atomic():
        snapshot = lock_snapshot(connector, ExactDataKind.PERIODS)
        if snapshot is None or not isinstance(snapshot.items, dict):
            return
        period = ExactData(fetched_at=None, periods=list(snapshot.items.get("periods", []))).period_of(day)
        closed = list(snapshot.items.get("closed", []))
        if period is None or f"{period[0]}/{period[1]}" not in closed:
            return
        closed.remove(f"{period[0]}/{period[1]}")
        snapshot.items = {**snapshot.items, "closed": closed}
        snapshot.save(update_fields=["items"])


def reopen_periods(connector: Connector) -> None:
    """Forget the learnt closed periods (the mapping page's refresh: a period may have been reopened)."""
    with transaction.atomic():
        snapshot = lock_snapshot(connector, ExactDataKind.PERIODS)
        if snapshot is not None and isinstance(snapshot.items, dict):
            snapshot.items = {**snapshot.items, "closed": []}
            snapshot.save(update_fields=["items"])


class Relations(Mapping[str, dict[str, Any]]):
    """A connector's relations of one kind by code, read from the database when asked and kept once read.

    A journal names one relation, so admitting it costs one indexed query, whatever the administration's size;
    ``items()`` (the mapping page's choices) reads them all in one query."""

    def __init__(self, connector_id: int, snapshot: ExactDataSnapshot) -> None:
        self._of: dict[str, Any] = {
            "connector": connector_id,
            "kind": snapshot.kind,
            "division": snapshot.division,
            "generation": _generation(snapshot),
        }
        of = self._of
        self._rows = ExactRelation.objects.filter(
            connector_id=of["connector"], kind=of["kind"], division=of["division"], generation=of["generation"]
        )
        self._known: dict[str, dict[str, Any] | None] = {}

    @staticmethod
    def _item(row: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": row["exact_id"], "code": row["code"], "name": row["name"]}

    def __getitem__(self, code: str) -> dict[str, Any]:
        if code not in self._known:
            rows = _RELATION.rows(**self._of, code=code)
            self._known[code] = None if not rows else self._item(dict(zip(_RELATION_FIELDS, rows[0], strict=True)))
        found = self._known[code]
        if found is None:
            raise KeyError(code)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows.order_by("code").values_list("code", flat=True))

    def __len__(self) -> int:
        return self._rows.count()

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        """``limit`` relations by code from ``offset`` (the API's pages), one query."""
        rows = self._rows.order_by("code").values("exact_id", "code", "name")[offset : offset + limit]
        return [self._item(row) for row in rows]

    def items(self) -> ItemsView[str, dict[str, Any]]:
        return {
            row["code"]: self._item(row) for row in self._rows.order_by("code").values("exact_id", "code", "name")
        }.items()


@dataclass
class ExactData:
    """Lookups over a connector's Exact data as last read."""

    fetched_at: datetime | None
    gl: dict[str, dict[str, Any]] = field(default_factory=dict)
    vat: dict[str, dict[str, Any]] = field(default_factory=dict)
    journals: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    suppliers: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)
    closed: set[str] = field(default_factory=set)
    # The periods with their dates parsed, made at the first lookup: a batch's data answers every journal of it,
    # and parsing each period's dates again cost a journal some fifty date parses (issue 13).
    _spans: tuple[list[dict[str, Any]], list[tuple[date, date, int, int]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def period_of(self, day: date) -> tuple[int, int] | None:
        if self._spans is None or self._spans[0] is not self.periods:
            spans = [
                (date.fromisoformat(p["start"]), date.fromisoformat(p["end"]), int(p["year"]), int(p["period"]))
                for p in self.periods
                if p["start"] and p["end"]
            ]
            self._spans = (self.periods, spans)
        for start, end, year, period in self._spans[1]:
            if start <= day <= end:
                return year, period
        return None

    def relations(self, relation: Relation) -> Mapping[str, dict[str, Any]]:
        """The cached relations of one kind (customers, suppliers), by code."""
        return {Relation.CUSTOMER: self.customers, Relation.SUPPLIER: self.suppliers}.get(relation, {})

    def vat_rate(self, code: str) -> Decimal:
        return Decimal(self.vat[code]["percentage"])


# Read for every batch a sender posts, and a relation for each journal that names one: compiled once (core/rows.py).
_SNAPSHOTS = Lookup(
    lambda connector, division: ExactDataSnapshot.objects.filter(connector_id=connector, division=division).order_by(),
    param("connector", 907_001_001),
    param("division", 907_001_002),
)
_RELATION_FIELDS = ("exact_id", "code", "name")
_RELATION = Values(
    lambda connector, kind, division, generation, code: (
        ExactRelation.objects.filter(
            connector_id=connector, kind=kind, division=division, generation=generation, code=code
        )
        .order_by()
        .values_list(*_RELATION_FIELDS)[:1]
    ),
    param("connector", 907_001_001),
    param("kind", "\x00kind"),
    param("division", 907_001_002),
    param("generation", 907_001_003),
    param("code", "\x00code"),
)


def load(connector: Connector) -> ExactData:
    if connector.division is None:  # never connected: nothing was read
        return ExactData(fetched_at=None)
    snapshots = {s.kind: s for s in _SNAPSHOTS.rows(connector=connector.pk, division=connector.division or -1)}
    if len(snapshots) < len(ExactDataKind.values):
        return ExactData(fetched_at=None)
    periods = snapshots[ExactDataKind.PERIODS].items
    return ExactData(
        fetched_at=min(s.fetched_at for s in snapshots.values()),
        gl={a["code"]: a for a in snapshots[ExactDataKind.GL_ACCOUNTS].items},
        vat={v["code"]: v for v in snapshots[ExactDataKind.VAT_CODES].items},
        journals={j["code"]: j for j in snapshots[ExactDataKind.JOURNALS].items},
        customers=Relations(connector.pk, snapshots[ExactDataKind.CUSTOMERS]),
        suppliers=Relations(connector.pk, snapshots[ExactDataKind.SUPPLIERS]),
        periods=list(periods.get("periods", [])),
        closed=set(periods.get("closed", [])),
    )


def current(connector: Connector, client: ExactClient | None = None) -> ExactData:
    """The cache, fetched first when it is missing, for another division, or older than a day."""
    refs = load(connector)
    if refs.fetched_at is None or clock.now() - refs.fetched_at > MAX_AGE:
        fetch(connector, client)
        refs = load(connector)
    return refs
