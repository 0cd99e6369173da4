"""Business operations on journals. The API, the file import, the pages and the worker call these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, wake
from ledgerlink.core.messages import Message
from ledgerlink.core.rows import Insert, Lookup, param
from ledgerlink.journals import exact_data, messages, waiting
from ledgerlink.journals.admission import Admission, Checked
from ledgerlink.journals.choices import JournalStatus, Kind, Source
from ledgerlink.journals.intake import (
    JournalIn,
    LineIn,
    SubmissionInvalid,
    content_hash,
    differences,
    normalised,
    parse,
)
from ledgerlink.journals.models import Attempt, Journal, JournalLine
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.models import Company


class JournalConflict(Exception):
    """The reference is known with other content."""

    def __init__(self, journal: Journal, differences: list[str]) -> None:
        super().__init__(f"reference {journal.reference!r} was submitted before with other content")
        self.journal = journal
        self.differences = differences


# A company's journal by its reference (unique per company), with its connector (what an answer names): asked at
# every submission (rows.py).
_BY_REFERENCE = Lookup(
    lambda company, reference: (
        Journal.objects.for_company(company).filter(reference=reference).select_related("connector").order_by()[:1]
    ),
    param("company", 907_001_001),
    param("reference", "\x00reference"),
)


# A journal, and its lines in one statement, by INSERTs compiled once (rows.py): no line's id is needed by whoever
# answers.
_LINES = Insert(JournalLine)
_JOURNAL = Insert(Journal)


@dataclass(frozen=True)
class Submitted:
    journal: Journal
    created: bool


def new_marker() -> str:
    """Short, unique, and safe in Exact's text fields: ``LL-`` and 16 characters."""
    return "LL-" + secrets.token_hex(8).upper()


def submit_journal(
    company: Company,
    data: Any,
    source: str = "api",
    admission: Admission | None = None,
    checked: Checked | None = None,
) -> Submitted:
    """Store a journal (queued) before anyone hears "accepted"; idempotent on the company's reference.

    ``data`` is the decoded submission (or a ``JournalIn``); it is read once, and a new journal is checked once,
    by the admission (admission.py). Same reference and same content → the existing journal (``created`` False)
    with its connector, not checked again: it was checked when it was accepted, and an ERP that did not hear the
    answer sends it again at once; other content → ``JournalConflict`` naming the differences; anything that
    refuses it → ``SubmissionInvalid`` with every problem. ``checked``: the admission's answer when the caller
    already has it (a file's entries are all checked before the first is stored).
    """
    looked_up = False
    if checked is None:
        read, _problems = parse(data)  # a body that cannot be read gets every problem from the admission below
        if read is not None:
            existing = _BY_REFERENCE.first(company=company.pk, reference=read.reference)
            if existing is not None:
                content = normalised(read)
                return _same_or_conflict(existing, content, content_hash(content))
            looked_up = True
        checked = (admission or Admission(company)).check(data if read is None else read)
    journal_in = checked.journal
    if journal_in is None or checked.connector is None:
        raise SubmissionInvalid(checked.problems)
    content = normalised(journal_in)
    digest = content_hash(content)
    existing = None if looked_up else _BY_REFERENCE.first(company=company.pk, reference=journal_in.reference)
    if existing is not None:
        return _same_or_conflict(existing, content, digest)
    if checked.problems:
        raise SubmissionInvalid(checked.problems)
    try:
        with transaction.atomic():
            fields = _journal_fields(company, checked.connector, journal_in, source, content, digest)
            journal = _JOURNAL.one(Journal(**fields))
            lines = _lines(journal, journal_in)
            _LINES.rows(lines)
            wake.notify()  # at the commit: the worker posts it now rather than at its next round
    except IntegrityError:
        # Another request with the same reference won the race: answer as if it had come first.
        existing = Journal.objects.for_company(company).get(reference=journal_in.reference)
        return _same_or_conflict(existing, content, digest)
    # Just written: whoever answers can read the lines from memory rather than from the database.
    with_lines_and_attempts(journal, lines, [])
    return Submitted(journal, True)


def with_lines_and_attempts(journal: Journal, lines: list[JournalLine], attempts: list[Attempt]) -> None:
    """``journal.lines.all()`` and ``journal.attempts.all()`` answer these, as prefetch_related leaves them, with no
    query: for rows just written or read by statements of their own."""
    vars(journal)["_prefetched_objects_cache"] = {"lines": lines, "attempts": attempts}


def _journal_fields(
    company: Company, connector: Connector, journal_in: JournalIn, source: str, content: dict[str, Any], digest: str
) -> dict[str, Any]:
    return {
        "company": company,
        "connector": connector,
        "kind": journal_in.kind,
        "reference": journal_in.reference,
        "date": journal_in.date,
        "description": journal_in.description,
        "relation_code": journal_in.relation_code,
        "invoice_number": journal_in.invoice_number,
        "content_hash": digest,
        "content": content,
        "marker": new_marker(),
        "next_attempt_at": clock.now(),
        "source": source,
    }


def _lines(journal: Journal, journal_in: JournalIn) -> list[JournalLine]:
    return [
        JournalLine(
            journal=journal,
            line_no=number,
            ledger_code=line.ledger_code,
            debit=line.debit,
            credit=line.credit,
            vat_code=line.vat_code,
            vat_amount=line.vat_amount,
            description=line.description,
            relation_code=line.relation_code,
            cost_centre=line.cost_centre,
        )
        for number, line in enumerate(journal_in.lines, start=1)
    ]


def _same_or_conflict(existing: Journal, content: dict[str, Any], digest: str) -> Submitted:
    if existing.content_hash == digest:
        return Submitted(existing, False)
    raise JournalConflict(existing, differences(existing.content, content))


RESENDABLE = (JournalStatus.FAILED,)
# Failed on a period Exact said was closed: a Resend means "it was reopened", so what was learnt is forgotten.
CLOSED_PERIOD = waiting.CLOSED_PERIOD


def _forget_closed_periods(journals: list[Journal]) -> None:
    for journal in journals:
        if journal.status_message is not None and journal.status_message.code in CLOSED_PERIOD:
            exact_data.forget_closed_period(journal.connector, journal.date)


def resend(journal: Journal, actor: Actor) -> bool:
    """Queue a failed journal again (after a mapping was fixed, a period reopened). Posted or in-flight journals
    are left alone."""
    with transaction.atomic(durable=True):
        current = Journal.objects.filter(pk=journal.pk, status__in=RESENDABLE).select_related("connector").first()
        if current is not None:
            _forget_closed_periods([current])
        updated = Journal.objects.filter(pk=journal.pk, status__in=RESENDABLE).update(
            status=JournalStatus.QUEUED,
            status_message=None,
            next_attempt_at=clock.now(),
            claimed_by="",
            claimed_at=None,
        )
        if updated:
            audit.record(
                actor,
                AuditAction.JOURNAL_RESENT,
                company=journal.company,
                subject=journal,
                message=Message.of(messages.JOURNAL, reference=journal.reference),
                changes={"status": [JournalStatus.FAILED, JournalStatus.QUEUED]},
            )
            wake.notify()
    return bool(updated)


def resend_failed(company: Company, actor: Actor, journal_ids: list[int] | None = None) -> int:
    """Queue many failed journals of a company again; returns how many."""
    queryset = Journal.objects.for_company(company).filter(status__in=RESENDABLE)
    if journal_ids is not None:
        queryset = queryset.filter(pk__in=journal_ids)
    with transaction.atomic(durable=True):
        held = queryset.filter(status_message__code__in=CLOSED_PERIOD).values_list("connector", flat=True)
        for connector in Connector.objects.filter(pk__in=held.order_by().distinct()).order_by("pk"):
            exact_data.reopen_periods(connector)
        count = queryset.update(
            status=JournalStatus.QUEUED,
            status_message=None,
            next_attempt_at=clock.now(),
            claimed_by="",
            claimed_at=None,
        )
        if count:
            audit.record(
                actor,
                AuditAction.JOURNALS_RESENT,
                company=company,
                message=Message.of(messages.FAILED_JOURNALS, count=count),
                changes={"journals": [None, count]},
            )
            wake.notify()
    return count


def send_now(journal: Journal) -> bool:
    """A queued journal put off until later (after a retryable answer) is due at once; False for any other.

    Nothing about the journal changes but when the worker looks at it, so no audit entry is written."""
    now = clock.now()
    with transaction.atomic(durable=True):
        updated = Journal.objects.filter(pk=journal.pk, status=JournalStatus.QUEUED, next_attempt_at__gt=now).update(
            next_attempt_at=now
        )
        if updated:
            wake.notify()
    return bool(updated)


def wait_for_period(journal: Journal, actor: Actor) -> bool:
    """Let a journal refused for a closed period wait until Exact reopens it: queued, and tried by the worker
    once an hour with the other journals waiting for that period (waiting.py). False for any other journal."""
    with transaction.atomic(durable=True):
        row = Journal.objects.filter(pk=journal.pk, status=JournalStatus.FAILED).select_related("connector").first()
        period = waiting.period_held_by(row) if row is not None else None
        if row is None or period is None:
            return False
        Journal.objects.filter(pk=row.pk, status=JournalStatus.FAILED).update(
            **_waiting_fields(row.connector_id, period)
        )
        audit.record(
            actor,
            AuditAction.JOURNAL_WAITING,
            company=journal.company,
            subject=journal,
            message=Message.of(messages.JOURNAL, reference=journal.reference),
            changes={"status": [JournalStatus.FAILED, JournalStatus.QUEUED], "waits_for_period": [None, period]},
        )
    return True


def _waiting_fields(connector_id: int, period: str) -> dict[str, Any]:
    return {
        "status": JournalStatus.QUEUED,
        "waits_for_period": period,
        "status_message": waiting.waiting_message(period),
        "next_attempt_at": waiting.next_try(connector_id, period, clock.now()),
        "claimed_by": "",
        "claimed_at": None,
    }


def held_by_closed_periods(company: Company, connector: Connector | None = None) -> Any:
    """The company's failed journals a closed period holds (of one connector, when given)."""
    journals = Journal.objects.for_company(company).filter(
        status=JournalStatus.FAILED, status_message__code__in=CLOSED_PERIOD
    )
    return journals.filter(connector=connector) if connector is not None else journals


def wait_for_periods(
    company: Company, actor: Actor, connector: Connector | None = None, journal_ids: list[int] | None = None
) -> int:
    """Every journal of the company (or of one connector, or of these) held by a closed period waits until it
    reopens; returns how many."""
    count = 0
    held = held_by_closed_periods(company, connector)
    if journal_ids is not None:
        held = held.filter(pk__in=journal_ids)
    with transaction.atomic(durable=True):
        groups: dict[tuple[int, str], list[int]] = {}
        for row in held.select_related("connector").order_by("pk").iterator(2000):
            period = waiting.period_held_by(row)
            if period is not None:
                groups.setdefault((row.connector_id, period), []).append(row.pk)
        for (connector_id, period), ids in sorted(groups.items()):
            for start in range(0, len(ids), 500):
                count += Journal.objects.filter(pk__in=ids[start : start + 500], status=JournalStatus.FAILED).update(
                    **_waiting_fields(connector_id, period)
                )
        if count:
            audit.record(
                actor,
                AuditAction.JOURNALS_WAITING,
                company=company,
                message=Message.of(messages.WAITING_JOURNALS, count=count),
                changes={"journals": [None, count]},
            )
    return count


# Certainly not in Exact: never sent, or refused by it. A journal that may be there (sending, unknown, or
# waiting for a lookup) and a posted one (correct it instead) are left alone.
CANCELLABLE = (JournalStatus.QUEUED, JournalStatus.FAILED)


def _not_in_exact(journal: Journal) -> Any:
    return Journal.objects.filter(pk=journal.pk, status__in=CANCELLABLE, needs_lookup=False)


def cancel(journal: Journal, actor: Actor) -> bool:
    """Cancel a journal imported or submitted by mistake: it stays (with its reference) but is never sent."""
    with transaction.atomic(durable=True):
        before = _not_in_exact(journal).values_list("status", flat=True).first()
        updated = _not_in_exact(journal).update(
            status=JournalStatus.CANCELLED,
            waits_for_period="",
            next_attempt_at=clock.now(),
            claimed_by="",
            claimed_at=None,
        )
        if updated:
            audit.record(
                actor,
                AuditAction.JOURNAL_CANCELLED,
                company=journal.company,
                subject=journal,
                message=Message.of(messages.JOURNAL, reference=journal.reference),
                changes={"status": [before, JournalStatus.CANCELLED]},
            )
    return bool(updated)


def move(journal: Journal, connector: Connector, actor: Actor) -> bool:
    """Send a journal through another connector of its company (the right Exact division) instead.

    Its stored content names the new connector, so the ERP submitting the old body again hears a 409 saying
    the connector differs, never a second journal."""
    if connector.company_id != journal.company_id or connector.pk == journal.connector_id:
        return False
    with transaction.atomic(durable=True):
        row = _not_in_exact(journal).select_related("connector").first()
        if row is None:
            return False
        content = {**row.content, "connector": connector.number}
        _not_in_exact(journal).update(
            connector=connector,
            content=content,
            content_hash=content_hash(content),
            status=JournalStatus.QUEUED,
            status_message=None,
            waits_for_period="",  # another connector, another division: its periods are another matter
            exact_division=None,
            next_attempt_at=clock.now(),
            claimed_by="",
            claimed_at=None,
        )
        audit.record(
            actor,
            AuditAction.JOURNAL_MOVED,
            company=journal.company,
            subject=journal,
            message=Message.of(messages.JOURNAL, reference=journal.reference),
            changes={"connector": [row.connector.number, connector.number]},
        )
    return True


class NotCorrectable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


@dataclass(frozen=True)
class Correction:
    reversal: Journal
    corrected: Journal
    created: bool


REVERSAL_SUFFIX = "~reversal"


def _reversal_of(original: Journal) -> JournalIn:
    """The original's lines on the other side, same date (its period), same connector: it cancels the entry."""
    lines = [
        LineIn(
            ledger_code=line.ledger_code,
            debit=line.credit,
            credit=line.debit,
            vat_code=line.vat_code,
            vat_amount=line.vat_amount,
            description=line.description,
            relation_code=line.relation_code,
            cost_centre=line.cost_centre,
        )
        for line in JournalLine.objects.filter(journal=original).order_by("line_no")
    ]
    return JournalIn(
        reference=(original.reference[: 100 - len(REVERSAL_SUFFIX)] + REVERSAL_SUFFIX),
        kind=Kind(original.kind),
        connector=original.connector.number,
        date=original.date,
        # Fixed words, never translated: the description goes to Exact and is part of the content's hash.
        description=f"Reversal of {original.reference}"[:200],
        relation_code=original.relation_code,
        invoice_number=original.invoice_number,
        lines=lines,
    )


def correct(original: Journal, data: Any, actor: Actor, admission: Admission | None = None) -> Correction:
    """Correct a posted journal: store the reversal of the original and the corrected journal, both queued, each
    posted exactly once by the worker like any journal. Idempotent: the same correction again answers the same
    pair. The corrected journal has its own reference; ``SubmissionInvalid``/``JournalConflict`` as for submit.
    """
    company = original.company
    if original.status != JournalStatus.POSTED or original.reverses_id is not None:
        raise NotCorrectable(Message.of(messages.NOT_CORRECTABLE, id=original.pk, status=original.status))
    admission = admission or Admission(company)
    checked = admission.check(data)
    if checked.journal is None or checked.connector is None or checked.problems:
        raise SubmissionInvalid(checked.problems)
    if checked.journal.reference == original.reference:
        raise NotCorrectable(Message.of(messages.CORRECTION_SAME_REFERENCE, reference=original.reference))
    earlier = original.replacements.first()
    if earlier is not None and earlier.reference != checked.journal.reference:
        raise NotCorrectable(
            Message.of(messages.ALREADY_CORRECTED, id=original.pk, reference=earlier.reference, other=earlier.pk)
        )
    with transaction.atomic(durable=True):
        reversal = submit_journal(company, _reversal_of(original), source=original.source, admission=admission)
        corrected = submit_journal(company, checked.journal, source=Source.API, admission=admission, checked=checked)
        created = reversal.created or corrected.created
        Journal.objects.filter(pk=reversal.journal.pk).update(reverses=original)
        Journal.objects.filter(pk=corrected.journal.pk).update(replaces=original)
        if created:
            audit.record(
                actor,
                AuditAction.JOURNAL_CORRECTED,
                company=company,
                subject=original,
                message=Message.of(messages.JOURNAL, reference=original.reference),
                changes={"journals": [None, [reversal.journal.reference, corrected.journal.reference]]},
            )
    return Correction(reversal.journal, corrected.journal, created)
