"""One sender's claimed batch: the journals of one connector, read once, and the lease on them kept alive.

A claimed batch is up to ``posting.BATCH`` journals of one connector. Reading each journal, its lines, the
connector's Exact data and its mapping once per batch instead of once per journal is most of what makes a
posted journal cheap (issue 13: 19 SQL statements and 6 commits per journal before, measured by
``bench/bench_posting.py``).

The lease: a claim is renewed when it is older than ``RENEW_EVERY`` (by the controllable clock), not before
every journal. Only a worker whose lease ran out (``posting.stuck_after()``, which counts ``RENEW_EVERY`` in)
or whose heartbeat says it stopped loses its claims, so a journal whose claim was renewed less than
``RENEW_EVERY`` ago is still ours: nobody can have taken it over. Past that, the renewal's answer says which
journals are still ours.

What the batch holds may be up to one batch old: a mapping or Exact data changed by a person meanwhile
reaches the next batch (seconds later), as it would have reached journals claimed a moment later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ledgerlink.connectors.contact import note_contact
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.rows import ForKeys, Lookup, Update, param
from ledgerlink.journals import exact_data
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.mapping import rules_for
from ledgerlink.journals.models import Journal, JournalLine
from ledgerlink.journals.validation import MappingRules

RENEW_EVERY = timedelta(seconds=5)

# A batch's reads, compiled once (core/rows.py): Django's in_bulk and prefetch_related built their queries, and a
# queryset per journal for its lines, for every batch: a tenth of a posted journal's CPU in the drain (issue 13).
_JOURNALS = ForKeys(
    lambda keys: Lookup(lambda **pks: Journal.objects.defer("content").filter(pk__in=[*pks.values()]).order_by(), *keys)
)
_LINES = ForKeys(lambda keys: Lookup(lambda **pks: JournalLine.objects.filter(journal_id__in=[*pks.values()]), *keys))
# The lease's renewal, every RENEW_EVERY of a batch that takes Exact's time (a batch of 25 at 300 ms a call renews once
# or twice): compiled once too.
_RENEW = ForKeys(
    lambda keys: Update(
        ["claimed_at"],
        lambda worker, **pks: Journal.objects.filter(
            pk__in=[*pks.values()], status=JournalStatus.SENDING, claimed_by=worker
        ),
        param("worker", "\x00worker"),
        *keys,
    )
)
_CONNECTOR = Lookup(lambda pk: Connector.objects.filter(pk=pk).order_by()[:1], param("pk", 907_001_001))


class Batch:
    """Claimed journals of one connector, by id, with what checking and posting them needs."""

    def __init__(self, ids: list[int], worker: str, client: Any, renewed_at: datetime | None) -> None:
        self.worker = worker
        self.client = client
        self.renewed_at = renewed_at  # None: renew before the first journal (nothing known about the claim)
        self.open = list(ids)  # claimed and not finished yet
        # The submission as stored (``content``, for a 409's differences) is not needed to send; the connector is
        # read once, not once per journal (its JSON of divisions would be decoded for each).
        found = {j.pk: j for lookup, keys in _JOURNALS.each(ids) for j in lookup.rows(**keys)}
        self.journals: dict[int, Journal] = found
        connectors: dict[int, Connector] = {}
        for pk in {j.connector_id for j in found.values()}:
            connector = _CONNECTOR.first(pk=pk)
            if connector is not None:  # a journal's connector is protected from deletion: always found
                connectors[pk] = connector
        for journal in found.values():
            journal.connector = connectors[journal.connector_id]
        self.lines: dict[int, list[JournalLine]] = {pk: [] for pk in found}
        for lookup, keys in _LINES.each(list(found)):
            for line in lookup.rows(**keys):
                self.lines[line.journal_id].append(line)  # in line order (the model's ordering)
        self.ours: set[int] = {
            pk for pk, j in found.items() if j.status == JournalStatus.SENDING and j.claimed_by == worker
        }
        self._data: exact_data.ExactData | None = None
        self._rules: MappingRules | None = None
        self._contact: tuple[int, datetime] | None = None

    @property
    def connector(self) -> Connector | None:
        first = next(iter(self.journals.values()), None)
        return first.connector if first is not None else None

    def lines_of(self, journal: Journal) -> list[JournalLine]:
        """The journal's lines, in order, as read with the batch."""
        return self.lines[journal.pk]

    def data(self) -> exact_data.ExactData:
        """The connector's Exact data (read from Exact when missing or old), once per batch."""
        if self._data is None:
            assert self.connector is not None
            self._data = exact_data.current(self.connector, self.client)
        return self._data

    def forget_data(self) -> None:
        """Exact data changed under us (a closed period learnt or forgotten, a fetch after a refusal)."""
        self._data = None

    def rules(self) -> MappingRules:
        if self._rules is None:
            assert self.connector is not None
            self._rules = rules_for(self.connector)
        return self._rules

    def still_ours(self, journal_id: int) -> bool:
        """Whether the journal is still claimed by us, renewing the lease on the open journals when it is due."""
        now = clock.now()
        if self.renewed_at is None or now - self.renewed_at >= RENEW_EVERY:
            renewed = sum(
                update.run({"claimed_at": now}, worker=self.worker, **keys) for update, keys in _RENEW.each(self.open)
            )
            if renewed < len(self.open):  # some were taken over (our lease ran out): which ones?
                mine = Journal.objects.filter(pk__in=self.open, status=JournalStatus.SENDING, claimed_by=self.worker)
                self.ours &= set(mine.values_list("pk", flat=True))
            self.renewed_at = now
        return journal_id in self.ours

    def done(self, journal_id: int) -> None:
        if journal_id in self.open:
            self.open.remove(journal_id)
        self.ours.discard(journal_id)

    def contact(self, connector_id: int, at: datetime) -> None:
        """Exact answered a post: "Last contact" is written once per batch (close())."""
        self._contact = (connector_id, at)

    def close(self) -> None:
        if self._contact is not None:
            note_contact(*self._contact)
            self._contact = None
