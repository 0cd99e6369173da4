"""OData literals and the query builder."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactlink.errors import InvalidGuid
from exactlink.odata import F, Guid, Query, literal, raw
from exactlink.values import Int64


def unquote_string_literal(text: str) -> str:
    """The reading an OData parser makes of a '...' literal."""
    assert text.startswith("'") and text.endswith("'")
    body = text[1:-1]
    assert re.fullmatch(r"(?:[^']|'')*", body), "a lone quote would end the literal early"
    return body.replace("''", "'")


@given(st.text())
def test_any_string_round_trips_through_its_literal(s):
    assert unquote_string_literal(literal(s)) == s


@given(st.uuids())
def test_guid_literals(u):
    assert literal(u) == f"guid'{u}'"
    assert literal(Guid(str(u).upper())) == f"guid'{u}'"


def test_malformed_guid_is_refused_before_any_call():
    with pytest.raises(InvalidGuid):
        Guid("not-a-guid")
    with pytest.raises(InvalidGuid):
        F("ID") == Guid("3f2a9c1e-0b5d-4e8a-9d7c")  # noqa: B015


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_int64_literal_has_L_suffix(n):
    assert literal(Int64(n)) == f"{n}L"
    assert literal(n) == str(n)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_literal_is_exact(d):
    text = literal(d)
    assert "e" not in text.lower()
    assert Decimal(text) == d


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_datetime_literal_is_dutch_local_time_without_zone(dt):
    text = literal(dt)
    m = re.fullmatch(r"datetime'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?)'", text)
    assert m, text
    local = dt.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))
    assert m.group(1).startswith(local.strftime("%Y-%m-%dT%H:%M:%S"))


@given(st.dates())
def test_date_literal(d):
    assert literal(d) == f"datetime'{d.isoformat()}'"


def test_fixed_examples():
    assert literal("O'Brien") == "'O''Brien'"
    assert literal(True) == "true" and literal(False) == "false" and literal(None) == "null"
    assert literal(datetime(2025, 3, 10, 13, 5, 11, tzinfo=UTC)) == "datetime'2025-03-10T14:05:11'"
    assert literal(date(2015, 1, 1)) == "datetime'2015-01-01'"
    assert literal(Int64(123)) == "123L"


@pytest.mark.parametrize("bad", [1.5, datetime(2025, 1, 1), object()])
def test_unsafe_literals_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        literal(bad)


def test_comparisons_and_combinators():
    gid = uuid.UUID("3f2a9c1e-0b5d-4e8a-9d7c-1a2b3c4d5e6f")
    cases = {
        F("Code") == "8000": "Code eq '8000'",
        F("Code") != "8000": "Code ne '8000'",
        F("Timestamp") > Int64(5): "Timestamp gt 5L",
        F("FinYear") >= 2025: "FinYear ge 2025",
        F("AmountDC") < Decimal("1.50"): "AmountDC lt 1.50",
        F("Date") <= date(2025, 3, 31): "Date le datetime'2025-03-31'",
        F("ID") == gid: f"ID eq guid'{gid}'",
        F("Code").trim() == "8": "trim(Code) eq '8'",
        F("Description").startswith("EXT-"): "startswith(Description,'EXT-')",
        F("Description").contains("it's"): "substringof('it''s',Description)",
        (F("A") == 1) & (F("B") == 2): "(A eq 1 and B eq 2)",
        (F("A") == 1) | (F("B") == 2): "(A eq 1 or B eq 2)",
        ~(F("IsBlocked") == True): "not (IsBlocked eq true)",  # noqa: E712
        F("Code").in_(["1", "2"]): "(Code eq '1' or Code eq '2')",
        raw("Code eq {} and Type eq {}", "x'y", 110): "Code eq 'x''y' and Type eq 110",
    }
    for expr, text in cases.items():
        assert str(expr) == text


def test_python_and_between_expressions_is_an_error():
    with pytest.raises(TypeError):
        bool(F("A") == 1)


def test_bad_property_names_are_refused():
    for bad in ["", "Code eq 1", "x)", "a'b"]:
        with pytest.raises(ValueError):
            F(bad)


def test_query_params():
    q = (
        Query()
        .select("ID", "Code")
        .filter(F("Code") == "8000")
        .filter(F("IsBlocked") == False)  # noqa: E712
        .orderby("Code desc")
        .top(100)
        .skip(10)
        .expand("Lines")
    )
    assert q.params() == {
        "$filter": "(Code eq '8000' and IsBlocked eq false)",
        "$select": "ID,Code",
        "$orderby": "Code desc",
        "$top": "100",
        "$skip": "10",
        "$expand": "Lines",
    }
    assert Query().params() == {}


def test_query_is_immutable():
    base = Query().select("ID")
    narrowed = base.top(1)
    assert base.params() == {"$select": "ID"}
    assert narrowed.params() == {"$select": "ID", "$top": "1"}


def test_query_rejects_nonsense():
    with pytest.raises(ValueError):
        Query().top(-1)
    with pytest.raises(ValueError):
        Query().orderby("Code sideways")
    with pytest.raises(TypeError):
        Query().filter("Code eq '1'")  # type: ignore[arg-type]
