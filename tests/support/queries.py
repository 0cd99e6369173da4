"""Query-count guards for list pages (NetBox's idea): a page costs the same number of queries at 1 and N rows."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
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
