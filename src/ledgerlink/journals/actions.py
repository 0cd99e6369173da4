"""Business operations on journals. The API, the file import, the pages and the worker call these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal, JournalLine
from ledgerlink.journals.submission import (
    JournalIn,
    Problem,
    SubmissionInvalid,
    check,
    content_hash,
    differences,
    normalised,
)
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import Company


class JournalConflict(Exception):
    """The reference is known with other content."""

    def __init__(self, journal: Journal, differences: list[str]) -> None:
        super().__init__(f"reference {journal.reference!r} was submitted before with other content")
        self.journal = journal
        self.differences = differences


@dataclass(frozen=True)
class Submitted:
    journal: Journal
    created: bool


def new_marker() -> str:
    """Short, unique, and safe in Exact's text fields: ``LL-`` and 16 characters."""
    return "LL-" + secrets.token_hex(8).upper()


def _connector(company: Company, number: int) -> Connector:
    connector = Connector.objects.for_company(company).filter(number=number).first()
    if connector is None:
        raise SubmissionInvalid([Problem("connector", f"company {company.number} has no connector {number}")])
    return connector


def submit_journal(company: Company, journal_in: JournalIn, source: str = "api") -> Submitted:
    """Store a journal (queued) before anyone hears "accepted"; idempotent on the company's reference.

    Same reference and same content → the existing journal (``created`` False); other content →
    ``JournalConflict`` naming the differences; shape problems → ``SubmissionInvalid`` with all of them.
    """
    problems = check(journal_in)
    if problems:
        raise SubmissionInvalid(problems)
    connector = _connector(company, journal_in.connector)
    content = normalised(journal_in)
    digest = content_hash(content)
    existing = Journal.objects.for_company(company).filter(reference=journal_in.reference).first()
    if existing is not None:
        return _same_or_conflict(existing, content, digest)
    try:
        with transaction.atomic():
            journal = Journal.objects.create(
                company=company,
                connector=connector,
                kind=journal_in.kind,
                reference=journal_in.reference,
                date=journal_in.date,
                description=journal_in.description,
                relation_code=journal_in.relation_code,
                content_hash=digest,
                content=content,
                marker=new_marker(),
                next_attempt_at=clock.now(),
                source=source,
            )
            JournalLine.objects.bulk_create(
                [
                    JournalLine(
                        journal=journal,
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
                    for number, line in enumerate(journal_in.lines, start=1)
                ]
            )
    except IntegrityError:
        # Another request with the same reference won the race: answer as if it had come first.
        existing = Journal.objects.for_company(company).get(reference=journal_in.reference)
        return _same_or_conflict(existing, content, digest)
    return Submitted(journal, True)


def _same_or_conflict(existing: Journal, content: dict, digest: str) -> Submitted:
    if existing.content_hash == digest:
        return Submitted(existing, False)
    raise JournalConflict(existing, differences(existing.content, content))


RESENDABLE = (JournalStatus.FAILED,)


def resend(journal: Journal, actor: Actor | None = None) -> bool:
    """Queue a failed journal again (after a mapping was fixed). Posted or in-flight journals are left alone."""
    with transaction.atomic():
        updated = Journal.objects.filter(pk=journal.pk, status__in=RESENDABLE).update(
            status=JournalStatus.QUEUED, status_message="", next_attempt_at=clock.now(), claimed_by="", claimed_at=None
        )
        if updated:
            audit.record(
                actor or Actor.system(),
                "journal.resent",
                f"journal {journal.reference}",
                journal.company,
                {"status": [JournalStatus.FAILED, JournalStatus.QUEUED]},
            )
    return bool(updated)


def resend_failed(company: Company, journal_ids: list[int] | None = None, actor: Actor | None = None) -> int:
    """Queue many failed journals of a company again; returns how many."""
    queryset = Journal.objects.for_company(company).filter(status__in=RESENDABLE)
    if journal_ids is not None:
        queryset = queryset.filter(pk__in=journal_ids)
    with transaction.atomic():
        count = queryset.update(
            status=JournalStatus.QUEUED, status_message="", next_attempt_at=clock.now(), claimed_by="", claimed_at=None
        )
        if count:
            audit.record(
                actor or Actor.system(),
                "journal.resent",
                f"{count} failed journals",
                company,
                {"journals": [None, count]},
            )
    return count
