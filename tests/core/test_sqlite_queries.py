"""Our SQLite backend turns Django's ``%s`` placeholders into SQLite's ``?`` once per statement text, not at
every run (core/sqlite): the same text as Django's own conversion, in a bounded cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper

from ledgerlink.core.sqlite import base
from ledgerlink.tenancy.models import Company
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's placeholders"),
]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 WHERE 2 = %s",
        "SELECT name FROM t WHERE name LIKE %s ESCAPE '\\' AND code = %s",
        "SELECT '100%%' WHERE x = %s",  # a literal percent sign, doubled for Django's format style
        "SELECT 1",
    ],
)
def test_a_statement_is_converted_as_django_converts_it(sql: str) -> None:
    with connection.cursor() as cursor:
        ours = cursor.cursor
        assert isinstance(ours, base.CursorWrapper)
        assert ours.convert_query(sql) == SQLiteCursorWrapper.convert_query(ours, sql)
        assert ours.convert_query(sql) == SQLiteCursorWrapper.convert_query(ours, sql)  # from the cache


def test_named_parameters_are_left_to_django() -> None:
    with connection.cursor() as cursor:
        assert cursor.cursor.convert_query("SELECT %(a)s, %(b)s", param_names=["a", "b"]) == "SELECT :a, :b"


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "CONVERTED_AT_MOST", 8)
    with connection.cursor() as cursor:
        for n in range(50):
            assert cursor.cursor.convert_query(f"SELECT {n} WHERE x = %s") == f"SELECT {n} WHERE x = ?"
            assert len(base._converted) <= 8


def test_queries_with_a_percent_sign_find_their_rows() -> None:
    factories.company(4101, "Honderd % Winkel BV", "honderd")
    factories.company(4102, "Andere Winkel BV", "andere")
    for _ in range(2):  # the second run takes the converted text from the cache
        assert list(Company.objects.filter(name__contains="% W").values_list("number", flat=True)) == [4101]
