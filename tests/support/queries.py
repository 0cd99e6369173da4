"""Query guards: a list page costs the same number of queries at 1 and N rows (NetBox's idea), and a hot path
builds no SQL once it has run (issue 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest.mock import patch

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLDeleteCompiler, SQLInsertCompiler, SQLUpdateCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def assert_constant_queries(client: Client, url: str, add_row: Callable[[int], object], rows: int = 5) -> int:
    """Load ``url`` with one row, add ``rows - 1`` more, load it again: the query count must not change."""
    add_row(1)
    client.get(url)  # warm what is cached per process (content types, sessions), so both counts compare alike
    one = queries_for(client, url)
    for n in range(2, rows + 1):
        add_row(n)
    many = queries_for(client, url)
    assert many == one, f"{url}: {one} queries with 1 row, {many} with {rows}"
    return one


@contextmanager
def compiled() -> Iterator[list[str]]:
    """The SQL the ORM compiles inside the block, SELECTs and writes (a statement compiled once, in ``core.rows``,
    is not compiled again: issue 13 found Django building the same queries for every request)."""
    built: list[str] = []

    def recording(compiler_class: type[SQLCompiler]) -> Any:
        real = compiler_class.as_sql

        def as_sql(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
            sql = real(self, *args, **kwargs)
            built.append(str(sql[0] if isinstance(sql, tuple) else sql))
            return sql

        return patch.object(compiler_class, "as_sql", as_sql)

    with ExitStack() as stack:
        for compiler_class in (SQLCompiler, SQLInsertCompiler, SQLUpdateCompiler, SQLDeleteCompiler):
            stack.enter_context(recording(compiler_class))
        yield built
