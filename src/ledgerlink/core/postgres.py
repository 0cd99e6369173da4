"""psycopg's conversion of a statement's ``%s`` placeholders into PostgreSQL's ``$1 … $n``, kept for every
statement short enough to keep (docs/adr/0032).

psycopg converts each statement's text with a regular expression and keeps the result (a cache of 128
texts) only for texts of up to 4,096 bytes and 50 parameters: its reason is an ORM's many-row INSERTs, each
row count a new text that would crowd the cache. Ours are compiled once (``core/rows.Insert`` keeps the
texts of up to 32 rows), and a journal's ten lines are one INSERT of 100 parameters, converted again at
every request: 1.6 of the 9.7 M instructions of a new journal on PostgreSQL (issue 13,
bench/bench_intake_cost.py). Here the length alone decides, as it would anyway for anything longer: 4,096
bytes hold at most about a thousand placeholders.
"""

from __future__ import annotations

PARAMETERS_KEPT = 4096  # no statement of psycopg's kept length has more


def keep_converted_statements() -> None:
    """Let psycopg keep the conversion of every statement it keeps by length, whatever its parameter count.
    psycopg has no public setting for it; tests/core/test_prepared_statements.py fails if this stops working."""
    try:
        from psycopg import _queries
    except ImportError:  # no PostgreSQL driver installed: nothing to tune
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 0) < PARAMETERS_KEPT:
        _queries.MAX_CACHED_STATEMENT_PARAMS = PARAMETERS_KEPT
