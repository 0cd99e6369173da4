"""SQL functions both databases run natively, for figures counted over many rows.

On SQLite, Django computes some expressions in Python functions that SQLite calls back for each row:
``TruncDate`` with a time zone (``django_datetime_cast_date``) and the difference of two timestamps
(``django_timestamp_diff``). Over the journals of 30 days, every 30 seconds (operations/rollup.py), that work
grew with every journal accepted (issue 13: the worker's main thread, where the rollups run, took 0.09–0.18 ms
per posted journal in the 64-sender drain with them, 0.07 ms without). Timestamps are stored in UTC on both
databases (on SQLite as text, ``YYYY-MM-DD HH:MM:SS.ffffff``), so SQLite's own ``date()`` and ``julianday()``
read them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, DateField, Func


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
