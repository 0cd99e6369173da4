"""The worker's summary job: journal counts per connector and problems grouped per connector.

Each round reads which connectors had a journal change since the last pass (an index on
``journal.updated_at``) and recounts only those, through the ``(connector, status)`` index; the first
pass counts everything once. The mark is set a little before the pass began (``OVERLAP``), so a change
committed while a pass ran is counted by the next one: recounting is idempotent, missing one is not.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, OuterRef, Subquery

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message, definition
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.operations.lock_objects import lock_summary_mark
from ledgerlink.operations.models import ConnectorSummary, Problem
from ledgerlink.operations.rollup import recount_days

OVERLAP = timedelta(minutes=2)
CHUNK = 500
HELD_BACK = (JournalStatus.FAILED, JournalStatus.UNKNOWN)  # the statuses a problem is made of
# Parameters that differ from journal to journal for one and the same cause (which line, which amount).
PER_JOURNAL = frozenset({"line", "field", "amount", "debit", "credit", "difference", "total", "at", "error"})


def problem_key(message: Message | None) -> str:
    """The failure without its per-journal details: "VAT code 77 unknown" on line 2 or 3 is one problem."""
    if message is None:
        return "none"
    known = definition(message.code)
    skip = PER_JOURNAL | (known.money | known.dates | known.datetimes if known else frozenset())
    params = {k: v for k, v in message.params.items() if k not in skip}
    raw = json.dumps([message.code, params], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass
class _Found:
    message: Message | None
    journals: int = 0
    example: int | None = None
    ids: list[int] = field(default_factory=list)


def changed_connectors(since: datetime | None) -> set[int]:
    """Connectors whose journals changed since ``since`` (all connectors on the first pass), plus any that
    have no summary row yet (a new connector shows with zeros, not as missing)."""
    ids: set[int] = set(Connector.objects.filter(summary__isnull=True).values_list("pk", flat=True))
    if since is None:
        ids |= set(Connector.objects.values_list("pk", flat=True))
    else:
        ids |= set(
            Journal.objects.filter(updated_at__gte=since).order_by().values_list("connector_id", flat=True).distinct()
        )
    return ids


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _recount(chunk: list[int], now: datetime) -> None:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Journal.objects.filter(connector_id__in=chunk)
        .order_by()
        .values("connector_id", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["connector_id"]][row["status"]] = row["n"]
    oldest = dict(
        Journal.objects.filter(connector_id__in=chunk, status=JournalStatus.QUEUED)
        .order_by()
        .values("connector_id")
        .annotate(m=Min("created_at"))
        .values_list("connector_id", "m")
    )
    last_posted = Journal.objects.filter(connector_id=OuterRef("pk"), status=JournalStatus.POSTED).order_by(
        "-posted_at", "-pk"
    )
    connectors = Connector.objects.filter(pk__in=chunk).annotate(
        last_id=Subquery(last_posted.values("pk")[:1]), last_at=Subquery(last_posted.values("posted_at")[:1])
    )
    rows = []
    for c in connectors.values("pk", "company_id", "last_id", "last_at"):
        per = counts.get(c["pk"], {})
        rows.append(
            ConnectorSummary(
                connector_id=c["pk"],
                company_id=c["company_id"],
                queued=per.get(JournalStatus.QUEUED, 0),
                sending=per.get(JournalStatus.SENDING, 0),
                posted=per.get(JournalStatus.POSTED, 0),
                failed=per.get(JournalStatus.FAILED, 0),
                unknown=per.get(JournalStatus.UNKNOWN, 0),
                cancelled=per.get(JournalStatus.CANCELLED, 0),
                oldest_queued_at=oldest.get(c["pk"]),
                last_posted_at=c["last_at"],
                last_posted_journal_id=c["last_id"],
                refreshed_at=now,
            )
        )
    ConnectorSummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["connector"],
        update_fields=[
            "queued",
            "sending",
            "posted",
            "failed",
            "unknown",
            "cancelled",
            "oldest_queued_at",
            "last_posted_at",
            "last_posted_journal",
            "refreshed_at",
        ],
    )


def _regroup(chunk: list[int], now: datetime) -> None:
    """Open, update and resolve the problems of these connectors from their failed and unknown journals."""
    found: dict[tuple[int, str], _Found] = {}
    company_of: dict[int, int] = {}
    held = (
        Journal.objects.filter(connector_id__in=chunk, status__in=HELD_BACK)
        .order_by("pk")
        .values_list("pk", "connector_id", "company_id", "status_message")
    )
    for pk, connector_id, company_id, raw in held.iterator(chunk_size=2000):
        message = Message.from_json(raw)
        entry = found.setdefault((connector_id, problem_key(message)), _Found(message, example=pk))
        entry.journals += 1
        company_of[connector_id] = company_id
    open_problems = {
        (p.connector_id, p.key): p for p in Problem.objects.filter(connector_id__in=chunk, resolved_at__isnull=True)
    }
    for key, problem in open_problems.items():
        now_found = found.pop(key, None)
        if now_found is None:
            problem.resolved_at, problem.journals = now, 0
            problem.save(update_fields=["resolved_at", "journals"])
        elif problem.journals != now_found.journals or problem.example_journal_id != now_found.example:
            problem.journals, problem.last_seen_at = now_found.journals, now
            problem.example_journal_id = now_found.example
            problem.save(update_fields=["journals", "last_seen_at", "example_journal"])
    Problem.objects.bulk_create(
        [
            Problem(
                company_id=company_of[connector_id],
                connector_id=connector_id,
                key=key,
                message=entry.message,
                journals=entry.journals,
                example_journal_id=entry.example,
                first_seen_at=now,
                last_seen_at=now,
            )
            for (connector_id, key), entry in found.items()
        ]
    )


def summarize(now: datetime) -> dict[str, Any]:
    """The worker job: bring the summaries and problems of every changed connector up to date. One worker
    at a time does it (the mark's row lock); the others skip the job for that round."""
    with transaction.atomic():
        mark = lock_summary_mark()
        if mark is None:
            return {"skipped": 1}
        ids = changed_connectors(mark.at)
        for chunk in _chunks(ids):
            _recount(chunk, now)
            _regroup(chunk, now)
            recount_days(chunk, now)
        mark.at = now - OVERLAP
        mark.save(update_fields=["at"])
    return {"connectors": len(ids)}
