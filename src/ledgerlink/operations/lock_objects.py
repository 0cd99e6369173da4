"""What operations lock, by name (core/locks.py: inside a transaction only, in primary-key order)."""

from __future__ import annotations

from ledgerlink.core.locks import lock_first
from ledgerlink.operations.models import SummaryMark

JOURNALS = "journals"


def lock_summary_mark() -> SummaryMark | None:
    """The summary's mark, locked; ``None`` while another worker's pass holds it (that pass does the work)."""
    SummaryMark.objects.get_or_create(name=JOURNALS)
    return lock_first(SummaryMark.objects.filter(name=JOURNALS), skip_locked=True)
