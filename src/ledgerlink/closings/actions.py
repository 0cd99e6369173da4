"""Business operations on day closings: receive one (idempotent on connector, store, terminal and date) and
correct one. The API and the pages call these.

A closing is built into its day journal (builder.py) before anything is stored, and is stored only with that
journal: an ordinary cash journal, submitted through the journals app's own admission, so it is validated and
posted exactly once like any other. A correction follows the journals' rules: a day journal that is posted is
corrected (its reversal and the new day journal, journals/actions.correct); one that certainly never reached
Exact (queued, failed, cancelled) is cancelled and replaced; one that is being sent, or may be in Exact, must
wait until its outcome is known.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from ledgerlink.closings import builder
from ledgerlink.closings import messages as m
from ledgerlink.closings.choices import Role
from ledgerlink.closings.intake import ClosingIn, differences, fingerprint, normalised, parse
from ledgerlink.closings.mapping import mapping_of, resolved
from ledgerlink.closings.models import Closing, ClosingJournal
from ledgerlink.connectors.models import Connector
from ledgerlink.core import wake
from ledgerlink.core.locks import lock_first
from ledgerlink.core.messages import Message
from ledgerlink.journals import exact_data
from ledgerlink.journals import messages as jm
from ledgerlink.journals.actions import NotCorrectable, cancel, correct, submit_journal
from ledgerlink.journals.choices import JournalStatus, Kind, Source
from ledgerlink.journals.exact_data import ExactData
from ledgerlink.journals.intake import JournalIn, LineIn, Problem, SubmissionInvalid
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import Company

log = logging.getLogger("ledgerlink.closings")


class ClosingInvalid(Exception):
    """The closing cannot be read, or cannot be built into a balanced journal: every problem, with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message.code for problem in problems))
        self.problems = problems


class ClosingConflict(Exception):
    """This day's closing was received before with other content (correct it instead)."""

    def __init__(self, closing: Closing, differences: list[str]) -> None:
        super().__init__(f"{closing} was received before with other content")
        self.closing = closing
        self.differences = differences


class ClosingNotCorrectable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


@dataclass(frozen=True)
class Received:
    closing: Closing
    created: bool


@dataclass(frozen=True)
class Prepared:
    closing: ClosingIn
    connector: Connector
    built: builder.Built


def _exact_for(connector: Connector) -> ExactData:
    """Exact's data as last read; read now when it never was (a closing needs the VAT codes' types)."""
    exact = exact_data.load(connector)
    if exact.fetched_at is None and connector.division:
        try:
            exact = exact_data.current(connector)
        except Exception:  # Exact out of reach, no token: the closing is refused with what to do
            log.warning("Exact data could not be read for a closing", extra={"connector": connector.number})
    return exact


def prepare(company: Company, data: Any) -> Prepared:
    """Read the closing and build its day journal; ``ClosingInvalid`` with every problem otherwise."""
    closing_in, problems = parse(data)
    if closing_in is None:
        raise ClosingInvalid(problems)
    connector = (
        Connector.objects.for_company(company).select_related("company").filter(number=closing_in.connector).first()
    )
    if connector is None:
        raise ClosingInvalid([Problem("connector", Message.of(jm.CONNECTOR_UNKNOWN, number=closing_in.connector))])
    exact = _exact_for(connector)
    if exact.fetched_at is None:
        raise ClosingInvalid([Problem("connector", Message.of(m.EXACT_DATA_MISSING, number=connector.number))])
    built = builder.build(closing_in.value(), resolved(mapping_of(connector), exact))
    if not built.ok:
        raise ClosingInvalid(built.problems)
    return Prepared(closing_in, connector, built)


def reference_of(closing: ClosingIn, revision: int = 1) -> str:
    """The day journal's reference: ``Z/<connector>/<store>/<terminal>/<date>``, ``#<revision>`` after a correction."""
    base = f"Z/{closing.connector}/{closing.store}/{closing.terminal}/{closing.date.isoformat()}"
    return base if revision == 1 else f"{base}#{revision}"


def journal_of(prepared: Prepared, revision: int = 1) -> JournalIn:
    """The day journal, its words in the company's language (the bookkeeper reads them in Exact). A closing is
    idempotent on its own content, so a later change of the company's language changes only later journals."""
    closing = prepared.closing
    with translation.override(prepared.connector.company.language or settings.LANGUAGE_CODE):
        description = Message.of(m.JOURNAL_DESCRIPTION, store=closing.store, terminal=closing.terminal).text()
        lines = [
            LineIn(
                ledger_code=line.gl,
                debit=line.debit,
                credit=line.credit,
                vat_code=line.vat_code,
                vat_amount=line.vat_amount,
                description=line.description.text().strip(),
            )
            for line in prepared.built.lines
        ]
    return JournalIn(
        reference=reference_of(closing, revision),
        kind=Kind.CASH,
        connector=closing.connector,
        date=closing.date,
        description=description,
        lines=lines,
    )


def _find(company: Company, closing: ClosingIn) -> Closing | None:
    return (
        Closing.objects.for_company(company)
        .filter(connector__number=closing.connector, store=closing.store, terminal=closing.terminal, date=closing.date)
        .select_related("journal", "connector")
        .first()
    )


def _same_or_conflict(existing: Closing, closing: ClosingIn) -> Received:
    if existing.content_hash == fingerprint(closing):
        return Received(existing, False)
    raise ClosingConflict(existing, differences(existing.content, normalised(closing)))


def receive(company: Company, data: Any) -> Received:
    """Store a day closing with its day journal (queued); the same closing again answers the one stored.

    The same day (connector, store, terminal, date) with other content → ``ClosingConflict`` naming the
    differences (a change is a correction: :func:`correct_closing`); a closing that cannot be built →
    ``ClosingInvalid`` with every problem."""
    closing_in, problems = parse(data)
    if closing_in is None:
        raise ClosingInvalid(problems)
    existing = _find(company, closing_in)
    if existing is not None:
        return _same_or_conflict(existing, closing_in)
    prepared = prepare(company, closing_in)
    try:
        with transaction.atomic():
            submitted = submit_journal(company, journal_of(prepared), source=Source.API)
            closing = Closing.objects.create(
                company=company,
                connector=prepared.connector,
                store=closing_in.store,
                terminal=closing_in.terminal,
                date=closing_in.date,
                content=normalised(closing_in),
                content_hash=fingerprint(closing_in),
                journal=submitted.journal,
            )
            ClosingJournal.objects.create(closing=closing, journal=submitted.journal, role=Role.DAY, revision=1)
    except SubmissionInvalid as exc:  # the journals' own check refused what the builder made: say so, store nothing
        raise ClosingInvalid(exc.problems)
    except IntegrityError:
        # Another request with the same day won the race: answer as if it had come first.
        existing = _find(company, closing_in)
        if existing is None:
            raise
        return _same_or_conflict(existing, closing_in)
    return Received(closing, True)  # submit_journal woke the worker, at the commit


# Certainly not in Exact: the day journal can be cancelled and replaced instead of reversed.
REPLACEABLE = (JournalStatus.QUEUED, JournalStatus.FAILED, JournalStatus.CANCELLED)


def correct_closing(closing: Closing, data: Any, actor: Actor) -> Received:
    """Correct a day closing with the corrected Z-report of the same day.

    Posted day journal: its reversal and a new day journal (journals/actions.correct), each posted once.
    Day journal never sent or refused by Exact: cancelled, and a new day journal queued in its place.
    Being sent, or perhaps in Exact: ``ClosingNotCorrectable`` (try again once its outcome is known). The
    same content again answers the closing as it is (``created`` False)."""
    closing_in, problems = parse(data)
    if closing_in is None:
        raise ClosingInvalid(problems)
    key = (closing.connector.number, closing.store, closing.terminal, closing.date)
    if closing_in.key != key:
        raise ClosingInvalid(
            [
                Problem(
                    "date", Message.of(m.KEY_DIFFERS, store=closing.store, terminal=closing.terminal, date=closing.date)
                )
            ]
        )
    if closing.content_hash == fingerprint(closing_in):
        return Received(closing, False)
    prepared = prepare(closing.company, closing_in)
    current = Journal.objects.select_related("connector").get(pk=closing.journal_id)
    revision = closing.revision + 1
    new_journal = journal_of(prepared, revision)
    if current.status == JournalStatus.POSTED:
        try:
            made = correct(current, new_journal, actor)
        except NotCorrectable as exc:
            raise ClosingNotCorrectable(exc.message)
        except SubmissionInvalid as exc:
            raise ClosingInvalid(exc.problems)
        links = [(made.reversal, Role.REVERSAL), (made.corrected, Role.DAY)]
        day = made.corrected
    elif current.status in REPLACEABLE and (current.status == JournalStatus.CANCELLED or cancel(current, actor)):
        try:
            day = submit_journal(closing.company, new_journal, source=Source.API).journal
        except SubmissionInvalid as exc:
            raise ClosingInvalid(exc.problems)
        links = [(current, Role.REPLACED), (day, Role.DAY)]
    else:
        current.refresh_from_db(fields=["status"])
        raise ClosingNotCorrectable(Message.of(m.BEING_SENT, reference=current.reference, status=current.status))
    with transaction.atomic(durable=True):
        row = lock_first(Closing.objects.filter(pk=closing.pk))
        assert row is not None  # closings are never deleted but with their company
        if row.journal_id != day.pk:
            row.content = normalised(closing_in)
            row.content_hash = fingerprint(closing_in)
            row.revision = revision
            row.journal = day
            row.save(update_fields=["content", "content_hash", "revision", "journal", "updated_at"])
        for journal, role in links:
            link, _created = ClosingJournal.objects.get_or_create(
                journal=journal, defaults={"closing": row, "role": role, "revision": revision}
            )
            if role == Role.REPLACED and link.role != Role.REPLACED:
                ClosingJournal.objects.filter(pk=link.pk).update(role=Role.REPLACED)
        wake.notify()
    row.refresh_from_db()
    return Received(row, True)
