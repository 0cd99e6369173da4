"""The lookup after a lost answer, where Exact's two reads disagree: a line carries the journal's marker but its
entry is not (yet) found. That is no proof either way: the journal stays unknown and is looked up again."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.kinds import KINDS, Lookup
from ledgerlink.journals.posting import reconcile


class Listing:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def list(self, query: object) -> list[dict[str, Any]]:
        return self.rows


def test_a_marked_line_whose_entry_is_not_found_leaves_the_journal_unknown() -> None:
    by_line_notes = [spec for spec in KINDS.values() if spec.marker_in == Lookup.LINE_NOTES]
    assert {spec.kind for spec in by_line_notes} == {"cash", "purchase"}
    for spec in by_line_notes:
        division = SimpleNamespace(
            **{spec.entry_lines: Listing([{"EntryID": "6f1b2c4e-0000-4000-8000-000000000001"}])},
            **{spec.entries: Listing([])},
        )
        client = SimpleNamespace(division=lambda number, d=division: d)
        journal = SimpleNamespace(
            kind=spec.kind, marker="LL-1-abc", exact_division=7001, connector=SimpleNamespace(division=7001)
        )
        outcome = reconcile(journal, client)  # type: ignore[arg-type]
        assert outcome.status == JournalStatus.UNKNOWN, spec.kind
        assert outcome.message is not None and outcome.message.code == "journal.lookup_entry_missing"
        assert outcome.retry_at is not None
