"""SQL both databases run natively: functions for figures counted over many rows, and a lookup that lets SQLite use
a partial index.

On SQLite, Django computes some expressions in Python functions that SQLite calls back for each row:
``TruncDate`` with a time zone (``django_datetime_cast_date``) and the difference of two timestamps
(``django_timestamp_diff``). Over the journals of 30 days, every 30 seconds (operations/rollup.py), that work
grew with every journal accepted (issue 13: the worker's main thread, where the rollups run, took 0.09–0.18 ms
per posted journal in the 64-sender drain with them, 0.07 ms without). Timestamps are stored in UTC on both
databases (on SQLite as text, ``YYYY-MM-DD HH:MM:SS.ffffff``), so SQLite's own ``date()`` and ``julianday()``
read them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import BigIntegerField, DateField, Func, Lookup


class UtcDay(Func):
    """The UTC calendar day of a timestamp."""

    arity = 1
    output_field = DateField()
    template = "(%(expressions)s AT TIME ZONE 'UTC')::date"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="date(%(expressions)s)", **extra)


class Milliseconds(Func):
    """Whole milliseconds from the second timestamp to the first (``end - start``), rounded; SQLite's date
    functions read a timestamp to the millisecond."""

    arity = 2
    output_field = BigIntegerField()
    template = "CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000) AS bigint)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400000) AS integer)",
            arg_joiner=") - julianday(",
            **extra,
        )


_PLAIN = re.compile(r"[a-z_]{1,32}")


class InLiterals(Lookup[Any]):
    """``field__in_literals=("a", "b")``: ``field IN ('a', 'b')`` with the values written into the SQL, not sent as
    parameters. SQLite uses a partial index only for a query that names its condition's values in the SQL, and
    Django sends a lookup's values as parameters (while it writes an index's condition with literals): a claim of
    a connector's oldest waiting journals sorted all of them, 18 ms at 10,000 a connector (issue 13,
    bench/bench_claim.py). The values must be written in the order of the index's condition, and only plain
    lower-case words are accepted, as a list or tuple (they are our own choices' values: nothing to quote)."""

    lookup_name = "in_literals"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        values: Sequence[Any] = self.rhs
        if isinstance(values, str) or not values or not all(isinstance(v, str) and _PLAIN.fullmatch(v) for v in values):
            raise ValueError(f"in_literals takes plain lower-case words: {values!r}")
        quoted = ", ".join("'" + str(v) + "'" for v in values)
        return f"{lhs} IN ({quoted})", list(params)
