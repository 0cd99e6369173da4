"""Reading whole numbers that people and machines type.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()`` refuses, and ``int()`` refuses more
than 4,300 digits; both became 500s. Every place that turns typed text into a number goes through here.
"""

from __future__ import annotations

import re

_SMALL = re.compile(r"[0-9]{1,9}")  # fits every integer column of ours, on SQLite and PostgreSQL


def small_int(text: object) -> int | None:
    """The number written in ASCII digits (at most 9), or None for anything else."""
    value = str(text).strip()
    return int(value) if _SMALL.fullmatch(value) else None
