"""Posting journals to Exact exactly once: claim, validate, post, and reconcile what has no answer.

- The worker claims due journals of one connector at a time, in date order, with the connector's row
  locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and only while no other worker is sending for it.
- Validation runs against the cached reference data first: a journal that cannot be right is ``failed``
  without costing an API call.
- One POST per journal. Exact's answer decides: 2xx → ``posted``; a validation refusal → ``failed`` with
  Exact's messages; no answer after the request left (timeout, dropped connection) or a 5xx → ``unknown``.
  A 5xx is ambiguous even with Exact's messages (Exact answers some refusals with a 500, and its real
  server errors after a write too): it is looked up and posted again with a growing pause, and called a
  refusal only when a 500 says the same words again; after ``SERVER_ERRORS_IN_A_ROW`` 5xx answers it waits
  for a person. A journal failed after any 5xx keeps ``needs_lookup``, so a Resend looks before posting.
- An ``unknown`` journal is looked up in Exact by its marker before anything else. Found → ``posted``
  with Exact's numbers; certainly absent → posted again. Never two Exact entries for one journal.
- A journal left in ``sending`` by a worker that died is treated as ``unknown``. A claim is a lease: the
  worker renews it for the open journals of its batch whenever it is ``RENEW_EVERY`` old, checked at every
  journal and once more right before each POST, after the access token is in hand (batch.py). From the last
  renewal to Exact's answer takes at most ``stuck_minimum()`` (derived from the Exact timeout), so a claim
  older than that belongs to a worker that is gone, and another takes the journal over (looking it up first).
  A worker whose heartbeat says it stopped loses its claims at once. A shorter
  ``LEDGERLINK_SENDING_STUCK_SECONDS`` could take over a POST still in flight: start-up refuses it
  (journals/checks.py).
"""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import db
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Greatest

from exactlink import ExactClient, F, Guid, Query
from exactlink.errors import (
    ApiError,
    ExactError,
    RateLimited,
    ServerError,
    TransportError,
    ValidationError,
)
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.decision import TOKEN_CALL_TIMEOUT
from ledgerlink.connectors.engine import ConnectorTokens, TokenUnavailable
from ledgerlink.connectors.exact import client_for
from ledgerlink.connectors.lock_objects import try_lock_connector
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock, metrics, wake
from ledgerlink.core.locks import LockRows
from ledgerlink.core.messages import EXACT, Message
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.core.rows import SAMPLE_TIME, ForKeys, Insert, Update, Values, param
from ledgerlink.core.worker import stopping
from ledgerlink.journals import events, exact_data, waiting
from ledgerlink.journals import messages as m
from ledgerlink.journals.batch import RENEW_EVERY, Batch
from ledgerlink.journals.choices import AttemptAction, AttemptOutcome, JournalStatus
from ledgerlink.journals.kinds import Lookup, kind_of
from ledgerlink.journals.models import WAITING_STATUSES, Attempt, Journal
from ledgerlink.journals.payload import entry
from ledgerlink.journals.validation import Result, validate

log = logging.getLogger("ledgerlink.journals.posting")
BATCH = 25
CANDIDATES = 20  # connectors looked at per claim: enough to pass those another sender holds
CLAIM_PASSES = 3  # passes over connectors that were locked by another sender's claim
LOOK_AGAIN_AFTER = timedelta(seconds=15)  # after no answer, give Exact a moment before looking the entry up
SERVER_ERRORS_IN_A_ROW = 5  # 5xx answers to one journal's POSTs (15 s, 30 s, 1, 2 min apart) before a person
WORKER = f"{socket.gethostname()}:{os.getpid()}"
WAITING = "waiting"  # what process() answers for a journal tried for its closed period and still held by it


# The longest a worker sleeps in one go for a division's minute window: longer, and the journal goes back
# to the queue until the reset while the worker posts for other divisions. The longest it waits for another
# process's token refresh. Both stay far inside the worker's round.
MAX_IDLE_WAIT = 1.0
TOKEN_WAIT = 5.0
# How long a sender uses an access token it read without reading it again (never past its refresh window,
# when another process may replace it; a 401 drops it at once).
TOKEN_REUSE = timedelta(seconds=5)


# What Exact may still do with a request we gave up on (it may finish writing after our read timeout).
STUCK_MARGIN = timedelta(seconds=30)


def stuck_minimum() -> timedelta:
    """The longest a live worker holds a claim between its last renewal and Exact's answer to the POST.

    httpx's connect, write and read timeouts in a row; the governor's waits for a 429'd window; a 401
    answered by a token refresh (two token calls) or a wait for another process's refresh, then the POST once
    more; and a margin for Exact finishing a request after we stopped listening. A claim is renewed only when
    it is ``RENEW_EVERY`` old (batch.py), so a POST may start that long after the last renewal.
    """
    timeout = float(settings.LEDGERLINK_EXACT_TIMEOUT)
    post = 3 * timeout
    limits = 2 * MAX_IDLE_WAIT  # exactlink's max_rate_limit_waits (2) of at most MAX_IDLE_WAIT each
    token = max(2 * TOKEN_CALL_TIMEOUT.total_seconds(), TOKEN_WAIT)
    return timedelta(seconds=2 * post + limits + token) + RENEW_EVERY + STUCK_MARGIN


def stuck_after() -> timedelta:
    """``LEDGERLINK_SENDING_STUCK_SECONDS`` when set (never below ``stuck_minimum()``: a system check), else that."""
    configured = settings.LEDGERLINK_SENDING_STUCK_SECONDS
    return max(timedelta(seconds=configured), stuck_minimum()) if configured else stuck_minimum()


def release_stuck(now: datetime) -> int:
    """Journals whose worker died while sending: we cannot know whether Exact has them → unknown.

    Died means: its lease ran out (``stuck_after()``), or its heartbeat says it stopped.
    """
    message = Message.of(m.WORKER_DIED)
    with transaction.atomic():
        stuck = _STUCK(claimed_before=now - stuck_after())
        ids = [journal.pk for journal in stuck]
        if not ids:
            return 0
        released = Journal.objects.filter(pk__in=ids, status=JournalStatus.SENDING).update(
            status=JournalStatus.UNKNOWN,
            next_attempt_at=now,
            claimed_by="",
            claimed_at=None,
            needs_lookup=True,
            status_message=message,
        )
        for journal in stuck:
            events.announce(journal, JournalStatus.UNKNOWN, message)
        return released


def _due(now: datetime) -> QuerySet[Journal]:
    """Journals waiting to be sent whose time has come."""
    return Journal.objects.filter(status__in=WAITING_STATUSES, next_attempt_at__lte=now)


def _connected_with_due(now: datetime, pivot: int, before: bool) -> QuerySet[Connector, tuple[int]]:
    """Connected connectors with a due journal and no sender, in order, from ``pivot`` on (or before it)."""
    waiting = Exists(_due(now).filter(connector_id=OuterRef("pk")))
    held = Exists(Journal.objects.filter(connector_id=OuterRef("pk"), status=JournalStatus.SENDING))
    connected = Connector.objects.filter(status=Status.CONNECTED).filter(waiting).exclude(held).order_by("pk")
    side = connected.filter(pk__lt=pivot) if before else connected.filter(pk__gte=pivot)
    return side.values_list("pk")[:CANDIDATES]


# Each round of the worker looks for journals of a worker that died, and a round that ends looks for the soonest
# journal put off to later: compiled once too (a round runs at every journal accepted while the queue is short).
_STUCK = LockRows(
    lambda claimed_before: Journal.objects.select_related("connector").filter(
        Q(claimed_at__lt=claimed_before)
        | Q(claimed_by__in=Subquery(WorkerHeartbeat.objects.filter(stopped_at__isnull=False).values("name"))),
        status=JournalStatus.SENDING,
    ),
    param("claimed_before", SAMPLE_TIME),
    of=("self",),
)
_PUT_OFF = Values(
    lambda status, now: (
        Journal.objects.filter(status=status, next_attempt_at__gt=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at")[:1]
    ),
    param("status", "\x00status"),
    param("now", SAMPLE_TIME),
)
# The claim's search runs for every claim of every sender: compiled once (core/rows.py).
_FROM_PIVOT = Values(
    lambda now, pivot: _connected_with_due(now, pivot, before=False),
    param("now", SAMPLE_TIME),
    param("pivot", 907_001_001),
)
_BEFORE_PIVOT = Values(
    lambda now, pivot: _connected_with_due(now, pivot, before=True),
    param("now", SAMPLE_TIME),
    param("pivot", 907_001_001),
)
_LAST_CONNECTOR = Values(lambda: Connector.objects.order_by("-pk").values_list("pk")[:1])


def _connectors_with_due(now: datetime, wanted: int = CANDIDATES) -> list[int]:
    """Up to ``wanted`` (at most ``CANDIDATES``) connected connectors with a due journal and no sender, from a
    random point on, wrapping."""
    last = _LAST_CONNECTOR.rows()
    pivot = random.randint(0, last[0][0] if last else 0)  # every connector gets its turn; none starves
    found = [pk for (pk,) in _FROM_PIVOT.rows(now=now, pivot=pivot)][:wanted]
    if len(found) < wanted:
        found += [pk for (pk,) in _BEFORE_PIVOT.rows(now=now, pivot=pivot)][: wanted - len(found)]
    return found


# A claim's statements, compiled once (core/rows.py): a sender claims a batch every few seconds, often trying
# several connectors before one is free, and building these again was a tenth of a posted journal's CPU in the
# drain (bench_posting.py, py-spy). A journal to be looked up first keeps the division it went to until the
# lookup finds it absent; the others are told where they go before they are sent, so that a lookup after a
# crash knows the division.
_SENDING = Values(
    lambda connector: (
        Journal.objects.filter(connector_id=connector, status=JournalStatus.SENDING).order_by().values_list("pk")[:1]
    ),
    param("connector", 907_001_001),
)
_OLDEST: dict[int, Values] = {}
_CLAIM_SENT = ForKeys(
    lambda keys: Update(
        ["status", "claimed_by", "claimed_at", "exact_division"],
        lambda **pks: Journal.objects.filter(pk__in=[*pks.values()]),
        *keys,
    )
)
_CLAIM_LOOKED_UP = ForKeys(
    lambda keys: Update(
        ["status", "claimed_by", "claimed_at"], lambda **pks: Journal.objects.filter(pk__in=[*pks.values()]), *keys
    )
)


def _oldest(batch: int) -> Values:
    """A connector's oldest due journals, in date order: (pk, needs_lookup)."""
    found = _OLDEST.get(batch)
    if found is None:
        found = _OLDEST.setdefault(
            batch,
            Values(
                # The statuses written into the SQL, so that SQLite reads them in date order from journal_waiting
                # instead of sorting every waiting journal of the connector (core/sql.InLiterals).
                lambda connector, now: (
                    Journal.objects.filter(
                        connector_id=connector, status__in_literals=WAITING_STATUSES, next_attempt_at__lte=now
                    )
                    .order_by("date", "id")
                    .values_list("pk", "needs_lookup")[:batch]
                ),
                param("connector", 907_001_001),
                param("now", SAMPLE_TIME),
            ),
        )
    return found


def claim(now: datetime, worker: str = WORKER, batch: int = BATCH) -> list[int]:
    """Claim up to ``batch`` due journals of one connector, oldest date first; [] when nothing is due.

    Its cost does not grow with the queue: connected connectors are probed, from a random one on, for a due
    journal (an index probe each, ``journal_due_per_connector``; the search is compiled once), and the chosen
    connector's oldest journals are read in date order (``journal_waiting`` on PostgreSQL; bench/bench_claim.py).
    """
    candidates = _connectors_with_due(now)
    random.shuffle(candidates)  # every connector gets its turn; none starves behind a busy one
    for _ in range(CLAIM_PASSES):
        locked = []
        for connector_id in candidates:
            with transaction.atomic():
                connector = try_lock_connector(connector_id)
                if connector is None:
                    locked.append(connector_id)  # another sender is claiming for it, for a moment
                    continue
                if _SENDING.rows(connector=connector_id):
                    continue  # one sender per connector keeps its journals in date order
                found = _oldest(batch).rows(connector=connector_id, now=now)
                if found:
                    claimed = {"status": JournalStatus.SENDING, "claimed_by": worker, "claimed_at": now}
                    sent = [pk for pk, needs_lookup in found if not needs_lookup]
                    for update, keys in _CLAIM_SENT.each(sent):
                        update.run({**claimed, "exact_division": connector.division}, **keys)
                    for update, keys in _CLAIM_LOOKED_UP.each([pk for pk, needs_lookup in found if needs_lookup]):
                        update.run(claimed, **keys)
                    return [pk for pk, _ in found]
        # A claim holds its lock for milliseconds: look at those connectors again before saying "nothing due",
        # or a sender would sit out the round beside work it could do.
        candidates = locked
        if not candidates:
            break
    return []


# A posted journal's own statements, compiled once (core/rows.py): its attempt, and its outcome, which
# writes the fields that outcome sets (a handful of shapes), to the journal if it is still claimed by us.
_ATTEMPT = Insert(Attempt)
_OUTCOMES: dict[tuple[str, ...], Update[Journal]] = {}


def _store_outcome(journal_id: int, worker: str, fields: dict[str, Any]) -> bool:
    names = tuple(sorted(fields))
    update = _OUTCOMES.get(names)
    if update is None:
        update = _OUTCOMES.setdefault(
            names,
            Update(
                names,
                lambda pk, worker: Journal.objects.filter(pk=pk, status=JournalStatus.SENDING, claimed_by=worker),
                param("pk", 907_001_001),
                param("worker", "\x00worker"),
            ),
        )
    return bool(update.run(fields, pk=journal_id, worker=worker))


@dataclass
class Outcome:
    status: str
    message: Message | None = None  # why the journal is in its new status (None: nothing to say)
    http_status: int | None = None
    messages: list[dict[str, Any]] | None = None  # for the attempt, when it found more than ``message``
    entry_id: str = ""
    entry_number: str = ""
    retry_at: datetime | None = None
    needs_lookup: bool | None = None  # None: as the status implies (unknown → look; posted, failed → not)
    # False: nothing went to Exact (the governor said its window is spent): a wait, recorded as no attempt.
    sent: bool = True


def validate_before_sending(journal: Journal, batch: Batch) -> Result:
    """The stored journal checked against the connector's Exact data (read from Exact when missing or old)."""
    return validate(journal, batch.lines_of(journal), batch.data(), batch.rules(), journal.connector.division)


def _record(journal: Journal, outcome: Outcome, action: AttemptAction, started: datetime, began: float) -> None:
    """An attempt row for what reached Exact (or may have); a wait that sent nothing is said by the journal's
    status message alone."""
    if not outcome.sent:
        return
    attempt = Attempt(
        journal_id=journal.pk,  # the id alone: the relation's descriptor checks are not needed to write a row
        started_at=started,
        duration_ms=int((time.perf_counter() - began) * 1000),
        action=action,
        http_status=outcome.http_status,
        outcome=_attempt_outcome(outcome, action),
        messages=outcome.messages or ([outcome.message.to_json()] if outcome.message else []),
        worker=WORKER,
    )
    _ATTEMPT.rows([attempt])


def _attempt_outcome(outcome: Outcome, action: str) -> str:
    if action == AttemptAction.RECONCILE:
        return (
            AttemptOutcome.FOUND
            if outcome.status == JournalStatus.POSTED
            else (AttemptOutcome.ABSENT if outcome.status == JournalStatus.QUEUED else AttemptOutcome.UNKNOWN)
        )
    by_status: dict[str, AttemptOutcome] = {
        JournalStatus.POSTED: AttemptOutcome.POSTED,
        JournalStatus.UNKNOWN: AttemptOutcome.UNKNOWN,
        JournalStatus.QUEUED: AttemptOutcome.RETRY,
    }
    otherwise = AttemptOutcome.INVALID if action == AttemptAction.VALIDATE else AttemptOutcome.REJECTED
    return by_status.get(outcome.status, otherwise)


@dataclass
class Attempted:
    """What was tried for a journal, recorded with its outcome in the transaction that stores it."""

    action: AttemptAction
    started: datetime
    began: float  # time.perf_counter() when it started


def _finish(journal: Journal, outcome: Outcome, batch: Batch, attempted: Attempted) -> bool:
    """Record the attempt, and store the outcome if the journal is still ours; False if another worker took it
    over meanwhile. One transaction.

    Its webhook events are written in the same transaction: a journal found by a lookup is ``reconciled`` too,
    and ``unknown`` is announced when a post had no answer, not again at each lookup that still has none."""
    now = clock.now()
    worker, action = batch.worker, attempted.action
    with transaction.atomic():
        _record(journal, outcome, action, attempted.started, attempted.began)
        due = outcome.retry_at or now
        fields = {
            "status": outcome.status,
            "status_message": outcome.message,
            "claimed_by": "",
            "claimed_at": None,
            "next_attempt_at": due,
            "attempt_count": journal.attempt_count + 1,
        }
        if outcome.status == JournalStatus.POSTED:
            fields.update(exact_entry_id=outcome.entry_id, exact_entry_number=outcome.entry_number, posted_at=now)
        if outcome.status in (JournalStatus.POSTED, JournalStatus.FAILED):
            fields["waits_for_period"] = ""  # posted, or failed for another reason: it waits for nothing now
        if outcome.needs_lookup is not None:
            fields["needs_lookup"] = outcome.needs_lookup
        elif outcome.status == JournalStatus.UNKNOWN:
            fields["needs_lookup"] = True
        elif outcome.status in (JournalStatus.POSTED, JournalStatus.FAILED):
            fields["needs_lookup"] = False
        stored = _store_outcome(journal.pk, worker, fields)
        if stored:  # as stored: the rest of a batch handed back waits as this one does (_send_until_done)
            journal.next_attempt_at, journal.status_message = due, outcome.message
        announced = outcome.status != JournalStatus.UNKNOWN or action == AttemptAction.POST
        if stored and announced:
            events.announce(
                journal,
                outcome.status,
                outcome.message,
                entry_id=outcome.entry_id,
                entry_number=outcome.entry_number,
                reconciled=action == AttemptAction.RECONCILE and outcome.status == JournalStatus.POSTED,
            )
    batch.done(journal.pk)
    if stored:
        if outcome.status == JournalStatus.POSTED:
            batch.contact(journal.connector_id, now)  # "Last contact" on the connector pages counts postings
            metrics.journal_posted(journal.created_at, now)
        return True
    log.warning(
        "journal taken over by another worker; outcome recorded as an attempt only",
        extra={"journal": journal.pk, "outcome": outcome.status},
    )
    return False


def _post(journal: Journal, result: Result, client) -> Outcome:  # type: ignore[no-untyped-def]
    division = client.division(journal.exact_division)
    spec = kind_of(journal.kind)
    body = entry(
        spec,
        result,
        journal.date,
        journal.description,
        journal.marker,
        reference=journal.reference,
        invoice_number=journal.invoice_number,
    )
    try:
        created = getattr(division, spec.entries).create(body)
    except ValidationError as exc:
        return _refused(exc)
    except ServerError as exc:
        if exc.outcome_unknown:
            return _server_error(journal, exc)
        return Outcome(
            JournalStatus.QUEUED,
            Message.of(m.UNREACHABLE, error=str(exc)),
            exc.status,
            retry_at=clock.now() + timedelta(seconds=30),
        )
    except TransportError as exc:
        if exc.outcome_unknown:
            return Outcome(
                JournalStatus.UNKNOWN,
                Message.of(m.NO_ANSWER, error=str(exc)),
                exc.status,
                retry_at=clock.now() + LOOK_AGAIN_AFTER,
            )
        return Outcome(
            JournalStatus.QUEUED,
            Message.of(m.UNREACHABLE, error=str(exc)),
            exc.status,
            retry_at=clock.now() + timedelta(seconds=30),
        )
    except RateLimited as exc:
        # A spent window or error budget: hand the journal back and post for other divisions meanwhile.
        retry = exc.retry_at or clock.now() + timedelta(minutes=5)
        return Outcome(
            JournalStatus.QUEUED,
            Message.of(m.EXACT_LIMITS, error=str(exc)),
            exc.status,
            retry_at=retry,
            sent=exc.status is not None,  # no status: our governor stopped it before it left
        )
    except ApiError as exc:
        return _refused(exc)
    return Outcome(
        JournalStatus.POSTED,
        None,
        201,
        entry_id=str(created.get("EntryID") or ""),
        entry_number=str(created.get("EntryNumber") or ""),
    )


# Which of our codes (with its fix) a refusal gets, by what Exact's words say; the words stay Exact's.
REFUSALS = (
    ("period is closed", m.EXACT_REFUSED_PERIOD_CLOSED),
    ("Financial period does not exist", m.EXACT_REFUSED_PERIOD_MISSING),
    ("VAT code", m.EXACT_REFUSED_VAT),
    ("G/L account", m.EXACT_REFUSED_GL),
    ("Customer", m.EXACT_REFUSED_CUSTOMER),
    ("Supplier", m.EXACT_REFUSED_SUPPLIER),
)


def _refused(exc: ApiError) -> Outcome:
    """Exact said no: its words are kept as Exact's; ours say what to do about them."""
    words = exc.messages or [str(exc)]
    code = next((code for needle, code in REFUSALS if any(needle.lower() in w.lower() for w in words)), m.EXACT_REFUSED)
    ours = Message.of(code, exact=" ".join(words))
    return Outcome(
        JournalStatus.FAILED,
        ours,
        exc.status,
        [Message.exact(word).to_json() for word in words] + [ours.to_json()],
    )


def _server_error(journal: Journal, exc: ServerError) -> Outcome:
    """A 5xx to our POST: Exact may have stored the entry. Look it up before posting again, with a growing pause.

    A 500 with the same words as the last one, after a lookup found nothing, is a refusal; too many 5xx in a
    row wait for a person. Either way the journal keeps ``needs_lookup``: the last answer may have come after
    Exact wrote the entry.
    """
    earlier = list(
        Attempt.objects.filter(journal=journal, action=AttemptAction.POST)
        .order_by("-started_at", "-id")
        .values("http_status", "outcome", "messages")[:SERVER_ERRORS_IN_A_ROW]
    )
    in_a_row = 1
    for attempt in earlier:
        if attempt["outcome"] != AttemptOutcome.UNKNOWN or (attempt["http_status"] or 0) < 500:
            break
        in_a_row += 1
    words = exc.messages
    said = [Message.exact(word).to_json() for word in words]
    last = earlier[0] if earlier else None
    if (
        exc.status == 500  # Exact's refusals come as 500; a 502, 503 or 504 is never one
        and words
        and last is not None
        and last["outcome"] == AttemptOutcome.UNKNOWN
        and last["http_status"] == exc.status
        and [w["params"]["text"] for w in last["messages"] if w.get("code") == EXACT] == words
    ):
        refused = _refused(exc)
        refused.needs_lookup = True
        return refused
    if in_a_row >= SERVER_ERRORS_IN_A_ROW:
        ours = Message.of(m.SERVER_ERRORS_REPEATED, status=exc.status, count=in_a_row, error=exc.message)
        return Outcome(JournalStatus.FAILED, ours, exc.status, [*said, ours.to_json()], needs_lookup=True)
    ours = Message.of(m.SERVER_ERROR, status=exc.status, error=exc.message)
    pause = LOOK_AGAIN_AFTER * 2 ** (in_a_row - 1)
    return Outcome(JournalStatus.UNKNOWN, ours, exc.status, [*said, ours.to_json()], retry_at=clock.now() + pause)


def _learn(journal: Journal, outcome: Outcome, client: ExactClient, batch: Batch) -> None:
    """A refusal can mean the cache is out of date: refresh it, and remember closed periods."""
    text = str(outcome.message.params.get("exact", "")) if outcome.message else ""
    if "period is closed" in text:
        match = re.search(r"(\d{4})/(\d{1,2})", text)
        if match:
            exact_data.mark_period_closed(journal.connector, int(match.group(1)), int(match.group(2)))
            batch.forget_data()
    elif "Invalid reference" in text or "Blocked" in text:
        try:
            exact_data.fetch(journal.connector, client)
            batch.forget_data()
        except (ExactError, TokenUnavailable):
            log.warning("could not refresh reference data after a refusal", extra={"journal": journal.pk})


def reconcile(journal: Journal, client) -> Outcome:  # type: ignore[no-untyped-def]
    """Look the journal up in Exact by its marker: posted, certainly absent (queued again), or still unknown.

    It looks in the division the journal was sent to, which may not be the connector's division any more.
    """
    division = client.division(journal.exact_division or journal.connector.division)
    spec = kind_of(journal.kind)
    try:
        if spec.marker_in == Lookup.LINE_NOTES:
            lines = getattr(division, spec.entry_lines).list(
                Query().select("EntryID", "Notes").filter(F("Notes") == journal.marker).top(1)
            )
            if not lines:
                return Outcome(JournalStatus.QUEUED, Message.of(m.NOT_IN_EXACT))
            entries = getattr(division, spec.entries).list(
                Query().select("EntryID", "EntryNumber").filter(F("EntryID") == Guid(str(lines[0]["EntryID"])))
            )
            if not entries:  # a line without its entry proves nothing either way: look again
                retry = clock.now() + timedelta(seconds=30)
                return Outcome(JournalStatus.UNKNOWN, Message.of(m.LOOKUP_ENTRY_MISSING), retry_at=retry)
        else:
            entries = getattr(division, spec.entries).list(
                Query().select("EntryID", "EntryNumber").filter(F("YourRef") == journal.marker).top(1)
            )
            if not entries:
                return Outcome(JournalStatus.QUEUED, Message.of(m.NOT_IN_EXACT))
    except (ExactError, TokenUnavailable) as exc:
        retry = exc.retry_at or clock.now() + timedelta(seconds=30)
        return Outcome(JournalStatus.UNKNOWN, Message.of(m.LOOKUP_FAILED, error=str(exc)), retry_at=retry)
    entry = entries[0]
    return Outcome(
        JournalStatus.POSTED,
        None,
        200,
        [Message.of(m.FOUND_IN_EXACT, number=str(entry.get("EntryNumber") or "")).to_json()],
        entry_id=str(entry.get("EntryID") or ""),
        entry_number=str(entry.get("EntryNumber") or ""),
    )


def process(journal_id: int, client, worker: str = WORKER, batch: Batch | None = None) -> str:  # type: ignore[no-untyped-def]
    """Take one claimed journal as far as it goes now; returns its new status ("" if it is no longer ours,
    ``WAITING`` if it was tried for its closed period and is still held by it: waiting.py).

    ``batch`` is the claimed batch the journal belongs to (read once for all of them); without one, the journal
    is read on its own. The claims of the batch are renewed when they are due (batch.py), so a batch that runs
    long is never released as stuck while it is worked on.
    """
    single = batch is None
    batch = batch or Batch([journal_id], worker, client, renewed_at=None)
    try:
        return _process(batch.journals.get(journal_id), batch)
    finally:
        if single:
            batch.close()


def _process(journal: Journal | None, batch: Batch) -> str:
    if journal is None:
        return ""
    if not batch.still_ours(journal.pk):
        batch.done(journal.pk)  # not ours to renew either
        return ""
    now, worker, client = clock.now(), batch.worker, batch.client
    if journal.waits_for_period:
        # Another journal of its group may have been tried since the batch was read (waiting.after_try).
        journal.next_attempt_at = Journal.objects.values_list("next_attempt_at", flat=True).get(pk=journal.pk)
        if waiting.tried_meanwhile(journal, now):
            _hand_back([journal.pk], worker)  # its period was tried a moment ago, by another of its batch
            batch.done(journal.pk)
            return ""
        waiting.before_try(journal)
        batch.forget_data()
    try:
        outcome, attempted = _work(journal, batch)
    except TakenOver:
        log.warning("journal taken over by another worker before it was sent", extra={"journal": journal.pk})
        batch.done(journal.pk)
        return ""
    except Exception as exc:
        # Whatever happened, the journal may have reached Exact: keep it, and look before posting again.
        log.exception("posting a journal failed unexpectedly", extra={"journal": journal.pk})
        outcome = Outcome(
            JournalStatus.UNKNOWN,
            Message.of(m.UNEXPECTED_ERROR, error=type(exc).__name__),
            retry_at=clock.now() + timedelta(minutes=1),
        )
        attempted = Attempted(AttemptAction.POST, now, time.perf_counter())
    action = attempted.action
    still_closed = bool(journal.waits_for_period) and outcome.status == JournalStatus.FAILED
    still_closed = still_closed and waiting.held(outcome.message)
    if still_closed:
        if action == AttemptAction.POST:
            _learn(journal, outcome, client, batch)  # closed again, as far as everyone else is concerned
        outcome = Outcome(
            JournalStatus.QUEUED,
            waiting.waiting_message(journal.waits_for_period),
            retry_at=clock.now() + waiting.TRY_EVERY,
            needs_lookup=outcome.needs_lookup,  # a refusal that came as a 5xx still looks before the next try
        )
    if not _finish(journal, outcome, batch, attempted):
        return ""
    if outcome.status == JournalStatus.FAILED and action == AttemptAction.POST:
        _learn(journal, outcome, client, batch)
    if journal.waits_for_period and (still_closed or outcome.status == JournalStatus.POSTED):
        waiting.after_try(journal, still_closed, clock.now())
    return WAITING if still_closed else outcome.status


def _work(journal: Journal, batch: Batch) -> tuple[Outcome, Attempted]:
    """Look the journal up first when it must be, check it, and post it: the outcome, and what was attempted
    (recorded with the outcome; a lookup that found it absent is recorded here, before the post)."""
    client, worker = batch.client, batch.worker
    started, began = clock.now(), time.perf_counter()
    if journal.needs_lookup:
        found = reconcile(journal, client)
        if found.status != JournalStatus.QUEUED:
            return found, Attempted(AttemptAction.RECONCILE, started, began)
        _record(journal, found, AttemptAction.RECONCILE, started, began)
        # Certainly not in Exact: post it now, to the connector's division. The flag is cleared with the
        # outcome of that post.
        journal.exact_division = journal.connector.division
        Journal.objects.filter(pk=journal.pk, claimed_by=worker).update(
            needs_lookup=False, exact_division=journal.exact_division
        )
        journal.needs_lookup = False
        started, began = clock.now(), time.perf_counter()
    try:
        result = validate_before_sending(journal, batch)
    except (ExactError, TokenUnavailable) as exc:
        outcome = Outcome(
            JournalStatus.QUEUED,
            Message.of(m.EXACT_DATA_UNREADABLE, error=str(exc)),
            retry_at=_retry_at(journal, exc, timedelta(minutes=1)),
            sent=not (isinstance(exc, RateLimited) and exc.status is None),
        )
        return outcome, Attempted(AttemptAction.VALIDATE, started, began)
    if not result.ok:
        outcome = Outcome(
            JournalStatus.FAILED, result.problems[0].message, messages=[p.to_json() for p in result.problems]
        )
        return outcome, Attempted(AttemptAction.VALIDATE, started, began)
    try:
        # The token first (it may wait for a refresh); then make sure the claim is still ours, renewing it
        # when due: from the last renewal to Exact's answer takes at most stuck_minimum(), so nobody takes the
        # journal over while the POST is in flight.
        client.tokens.access_token()
        if not batch.still_ours(journal.pk):
            raise TakenOver
        outcome = _post(journal, result, client)
    except TokenUnavailable as exc:
        outcome = Outcome(
            JournalStatus.QUEUED,
            exc.message,  # the connector's own coded reason
            retry_at=_retry_at(journal, exc, timedelta(minutes=5)),
        )
    return outcome, Attempted(AttemptAction.POST, started, began)


def _retry_at(journal: Journal, exc: Exception, later: timedelta) -> datetime:
    """When to try again after the token or Exact's data could not be had. A connector that now needs a person
    (reauthorization) is not claimed until it is connected again, so its journals are due at once: they go the
    moment the connector is reauthorized, not minutes later."""
    if isinstance(exc, TokenUnavailable) and exc.retry_at is not None:
        return exc.retry_at
    status = Connector.objects.filter(pk=journal.connector_id).values_list("status", flat=True).first()
    return clock.now() if status != Status.CONNECTED else clock.now() + later


class TakenOver(Exception):
    """Another worker took the journal over before it was sent: nothing was sent, nothing is recorded."""


def _hand_back(ids: list[int], worker: str, like: Journal | None = None) -> None:
    """Give claimed journals back untouched; ``like``: the journal of their connector that could not be posted
    now (limits, tokens): they wait as long as it does, for the same reason."""
    fields: dict[str, Any] = {}
    if like is not None:
        fields = {"next_attempt_at": Greatest("next_attempt_at", Value(like.next_attempt_at))}
        fields["status_message"] = like.status_message
    Journal.objects.filter(pk__in=ids, status=JournalStatus.SENDING, claimed_by=worker).update(
        status=JournalStatus.QUEUED, claimed_by="", claimed_at=None, **fields
    )


LOOKOUT_EVERY = 0.25  # seconds between looks for new journals by a waiting sender while others send
ROUND = 60.0  # seconds a round of the worker's posting lane claims new batches (release_stuck() between rounds)


def post_due(now: datetime, *, time_budget: float = ROUND, worker: str = WORKER) -> dict[str, int]:
    """The worker's job: release stuck journals, then claim and process batches until none is due.

    ``LEDGERLINK_POSTING_SENDERS`` senders work side by side, each on its own connector (the claim keeps one
    sender per connector), so a process keeps many divisions busy while Exact takes its time to answer
    (ADR 0020). With one sender everything runs in the calling thread. When the round ends, the worker is told
    when the soonest put-off journal comes due (the next minute of a spent division), so its pause ends then.
    """
    release_stuck(now)
    deadline = time.monotonic() + time_budget
    senders = max(1, settings.LEDGERLINK_POSTING_SENDERS)
    if senders == 1:
        counts = _send_until_done(deadline, worker, None)
    else:
        counts = {}
        round_ = _Round(senders, deadline)
        with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="sender") as pool:
            futures = [
                pool.submit(_in_own_connection, _send_until_done, deadline, worker, round_) for _ in range(senders)
            ]
            for future in futures:
                for status, count in future.result().items():  # a sender's DatabaseError reaches the worker loop
                    counts[status] = counts.get(status, 0) + count
    if time.monotonic() >= deadline:
        wake.due_at(clock.now())  # the round ran out of time, not out of work: the next one starts at once
    else:
        due = next_due(clock.now())
        if due is not None:
            wake.due_at(due)
    return counts


def next_due(now: datetime) -> datetime | None:
    """When the soonest journal put off to later comes due (an index probe per status, ``journal_due``)."""
    found = [at for status in WAITING_STATUSES for (at,) in _PUT_OFF.rows(status=status, now=now)]
    return min(found, default=None)


class _Round:
    """The senders of one round. A sender that finds nothing to claim waits while others still send, instead of
    leaving the round to fewer senders. One waiting sender (the lookout) looks again every ``LOOKOUT_EVERY``
    (new journals); the others when the soonest put-off journal comes due (the next minute of Exact's window),
    or when woken: by a sender that found work after waiting (there may be more), or at the end of a full batch
    (its connector may have more). The round ends when every sender waits, or at its deadline."""

    def __init__(self, senders: int, deadline: float) -> None:
        self.senders = senders
        self.deadline = deadline
        self.waiting = 0
        self.lookout = False
        self.over = False
        self.changed = threading.Condition()

    def nothing_claimed(self) -> bool:
        """True: look again; False: the round is over for this sender."""
        due = next_due(clock.now())
        with self.changed:
            self.waiting += 1
            if self.over or self.waiting == self.senders:
                self.over = True
                self.changed.notify_all()
                return False
            timeout = self.deadline - time.monotonic()
            if due is not None:
                timeout = min(timeout, (due - clock.now()).total_seconds())
            lookout = not self.lookout
            if lookout:
                self.lookout = True
                timeout = min(timeout, LOOKOUT_EVERY)
            end = time.monotonic() + timeout
            while not self.over and not stopping():  # a stop is seen within a second
                left = end - time.monotonic()
                if left <= 0 or self.changed.wait(min(left, 1.0)):
                    break  # its time came, or another sender woke it
            if lookout:
                self.lookout = False
            self.waiting -= 1
            return not self.over and time.monotonic() < self.deadline and not stopping()

    def something_changed(self) -> None:
        with self.changed:
            self.changed.notify()


def _in_own_connection(
    send: Callable[[float, str, _Round | None], dict[str, int]], deadline: float, worker: str, round_: _Round
) -> dict[str, int]:
    """A sender thread has its own database connection (Django's are per thread); it is closed when done."""
    try:
        return send(deadline, worker, round_)
    finally:
        db.connection.close()


def _send_batch(ids: list[int], batch: Batch, worker: str, counts: dict[str, int]) -> None:
    """Process a claimed batch's journals in order, counting their new statuses in ``counts``."""
    for position, journal_id in enumerate(ids):
        if stopping():  # a clean stop: give back what was claimed but not started
            _hand_back(ids[position:], worker)
            return
        status = process(journal_id, batch.client, worker, batch)
        if not status:
            continue
        counts[status] = counts.get(status, 0) + 1
        if status == JournalStatus.QUEUED and position + 1 < len(ids):
            # The connector cannot post now (limits, tokens): hand the rest back, due when this one is.
            # (Due at once, they would be claimed again and again until Exact's minute resets.)
            _hand_back(ids[position + 1 :], worker, like=batch.journals[journal_id])
            return


def _send_until_done(deadline: float, worker: str, round_: _Round | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    clients: dict[int, ExactClient] = {}
    waited = False
    try:
        while time.monotonic() < deadline and not stopping():
            claimed_at = clock.now()
            ids = claim(claimed_at, worker)
            if not ids:
                if round_ is not None and round_.nothing_claimed():
                    waited = True
                    continue
                break
            if round_ is not None and waited:
                round_.something_changed()  # work appeared while senders waited: there may be more
            waited = False
            batch = Batch(ids, worker, None, renewed_at=claimed_at)
            connector = batch.connector
            if connector is None:  # gone since the claim (deleted with its company): nothing to send
                continue
            client = clients.get(connector.pk) or client_for(
                connector,
                ConnectorTokens(connector.pk, wait=TOKEN_WAIT, reuse=TOKEN_REUSE),
                max_wait=MAX_IDLE_WAIT,
            )
            clients[connector.pk] = batch.client = client
            try:
                with client.governor.calls_ahead(len(ids)):  # one reservation of Exact's calls for the batch
                    _send_batch(ids, batch, worker, counts)
            finally:
                batch.close()
                if round_ is not None and len(ids) == BATCH:
                    round_.something_changed()  # its connector is free again, and may have more
    finally:
        for client in clients.values():
            client.close()
    return counts
