"""Reading whole numbers that people and machines type.

``str.isdigit()`` accepts "²" and other Unicode digits that ``int()`` refuses, and ``int()`` refuses more
than 4,300 digits; both became 500s. Every place that turns typed text into a number goes through here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats

_SMALL = re.compile(r"[0-9]{1,9}")  # fits every integer column of ours, on SQLite and PostgreSQL


def small_int(text: object) -> int | None:
    """The number written in ASCII digits (at most 9), or None for anything else."""
    value = str(text).strip()
    return int(value) if _SMALL.fullmatch(value) else None


def money_text(value: object) -> str:
    """An amount as the reader writes it: two decimals, grouped ("1,234.50" in English, "1.234,50" in Dutch).

    Only amounts are grouped: a company or connector number (1001) must not become "1.001", so grouping is
    asked for here rather than switched on for every number (``USE_THOUSAND_SEPARATOR`` stays off).
    """
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
