"""Whether a submission is admitted: read by the one parser, its connector found, checked against Exact data.

Every way in — the API, the dry run, a file's entries, the Import page and the command line — asks an
:class:`Admission` of the company. It reads the submission (intake.py), finds the connector once, and runs
the one check (validation.py) against the connector's Exact data as last read: the journal's own problems
(not in balance, a VAT amount that does not fit its code) refuse it; problems of Exact's set-up or the
mapping do not, because a bookkeeper can fix those after the journal was accepted.

Without Exact data (a connector never connected) only what needs none is checked; the worker checks the
rest before sending. An admission keeps connectors, Exact data and mapping in memory, so a file of 50,000
entries costs a handful of queries, not 50,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import Problem
from ledgerlink.core.rows import Lookup, param
from ledgerlink.journals import exact_data
from ledgerlink.journals import messages as m
from ledgerlink.journals.exact_data import ExactData
from ledgerlink.journals.intake import JournalIn, parse
from ledgerlink.journals.mapping import rules_of
from ledgerlink.journals.validation import MappingRules, Result, validate
from ledgerlink.tenancy.models import Company


@dataclass
class Checked:
    journal: JournalIn | None  # None when it could not be read
    connector: Connector | None
    problems: list[Problem] = field(default_factory=list)  # what refuses it (empty: admitted)
    result: Result | None = None  # the whole check against Exact data, when the journal could be read

    @property
    def ok(self) -> bool:
        return self.journal is not None and self.connector is not None and not self.problems


# A connector of the company by its number, with its mapping: one query per submission (rows.py).
_CONNECTOR = Lookup(
    lambda company, number: (
        Connector.objects.for_company(company).filter(number=number).select_related("mapping").order_by()[:1]
    ),
    param("company", 907_001_001),
    param("number", 30_907),
)


@dataclass
class _Target:
    connector: Connector
    exact: ExactData
    rules: MappingRules


class Admission:
    def __init__(self, company: Company) -> None:
        self.company = company
        self._targets: dict[int, _Target | None] = {}

    def target(self, number: int) -> _Target | None:
        if number not in self._targets:
            connector = _CONNECTOR.first(company=self.company.pk, number=number)
            self._targets[number] = (
                None
                if connector is None
                else _Target(connector, exact_data.load(connector), rules_of(getattr(connector, "mapping", None)))
            )
        return self._targets[number]

    def check(self, data: Any) -> Checked:
        """Read and check one submission (decoded JSON, a file entry's dict, or a ``JournalIn``)."""
        journal, problems = parse(data)
        number = journal.connector if journal is not None else _connector_number(data)
        target = self.target(number) if number else None
        if number and target is None:
            problems.append(Problem("connector", Message.of(m.CONNECTOR_UNKNOWN, number=number)))
        if journal is None or target is None:
            return Checked(journal, target.connector if target else None, problems)
        result = validate(journal, journal.lines, target.exact, target.rules, target.connector.division)
        return Checked(journal, target.connector, result.refusals, result)


def _connector_number(data: Any) -> int | None:
    """The connector of a submission that could not be read as a whole, to name it among its problems."""
    value = data.get("connector") if isinstance(data, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 10**9:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value) or None
    return None
