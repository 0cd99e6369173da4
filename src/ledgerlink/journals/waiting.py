"""Journals held by a closed financial period, waiting until Exact reopens it (issue 10).

Exact cannot be asked whether a period is closed: FinancialPeriods has no such field, and the refusal of a POST
is the only answer (exact_data.py learns closed periods from those refusals). So a journal that waits is *tried*:

- The journals of one connector waiting for one period are a group. They share their ``next_attempt_at``, so
  the group is due at once, at most once per ``TRY_EVERY`` (an hour). The first of them the worker takes is
  posted, with the learnt closed period forgotten first so that the check before sending lets it through.
- Refused again for the closed period: the whole group waits ``TRY_EVERY`` more. One refusal an hour per
  period spends little of Exact's error budget (10 refusals per endpoint per hour, ADR 0009).
- Accepted: the period is open again, and the others are due at once, as ordinary queued journals.
- A person who knows the period was reopened presses Send now: that journal is tried at once.

Only one worker sends for a connector at a time (posting.claim), so a group is never tried twice at once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import Min

from ledgerlink.core.messages import Message
from ledgerlink.journals import exact_data
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal

TRY_EVERY = timedelta(hours=1)
# A journal failed with one of these codes is held by a closed period (ours from the check before sending,
# or Exact's refusal).
CLOSED_PERIOD = (m.PERIOD_CLOSED, m.EXACT_REFUSED_PERIOD_CLOSED)
PERIOD_IN_TEXT = re.compile(r"(\d{4})/(\d{1,2})")


def held(message: Message | None) -> bool:
    return message is not None and message.code in CLOSED_PERIOD


def period_held_by(journal: Journal) -> str | None:
    """The closed period ("2026/11") a failed journal is held by, or None when it failed for another reason."""
    message = journal.status_message
    if journal.status != JournalStatus.FAILED or not held(message):
        return None
    assert message is not None
    if message.code == m.PERIOD_CLOSED and message.params.get("year") and message.params.get("period"):
        return f"{message.params['year']}/{message.params['period']}"
    found = PERIOD_IN_TEXT.search(str(message.params.get("exact", "")))
    if found:
        return f"{int(found.group(1))}/{int(found.group(2))}"
    known = exact_data.load(journal.connector).period_of(journal.date)
    return f"{known[0]}/{known[1]}" if known else f"{journal.date.year}/{journal.date.month}"


def waiting_message(period: str) -> Message:
    return Message.of(m.WAITING_FOR_PERIOD, period=period)


def next_try(connector_id: int, period: str, now: datetime) -> datetime:
    """When a journal that starts waiting is tried: with its group, or ``TRY_EVERY`` from now (the period was
    found closed just now, when the journal failed)."""
    group = Journal.objects.filter(
        connector_id=connector_id, waits_for_period=period, status=JournalStatus.QUEUED, next_attempt_at__gt=now
    )
    return group.aggregate(at=Min("next_attempt_at"))["at"] or now + TRY_EVERY


def tried_meanwhile(journal: Journal, now: datetime) -> bool:
    """The journal's group was tried (and refused) after the worker claimed this journal: not again now."""
    return bool(journal.waits_for_period) and journal.next_attempt_at > now


def before_try(journal: Journal) -> None:
    """Forget that the period is closed, so the check before sending lets the journal go to Exact."""
    exact_data.forget_closed_period(journal.connector, journal.date)


def after_try(journal: Journal, still_closed: bool, now: datetime) -> None:
    """The group follows its try: another ``TRY_EVERY`` when still closed; due at once when Exact accepted."""
    group = Journal.objects.filter(
        connector_id=journal.connector_id,
        waits_for_period=journal.waits_for_period,
        status__in=(JournalStatus.QUEUED, JournalStatus.SENDING),  # SENDING: the rest of the trying worker's batch
    ).exclude(pk=journal.pk)
    if still_closed:
        group.update(next_attempt_at=now + TRY_EVERY)
    else:
        group.filter(status=JournalStatus.QUEUED).update(next_attempt_at=now, waits_for_period="", status_message=None)
