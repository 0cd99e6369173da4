"""Unit tests of the OData query layer: tokenizer, $filter grammar, evaluation, paging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exact_sandbox.formats import AMSTERDAM, Int64
from exact_sandbox.odata import (
    BoolOp,
    Call,
    Compare,
    Literal,
    Not,
    ODataError,
    Prop,
    Query,
    format_literal,
    matches,
    parse_filter,
    parse_literal,
    parse_query,
    run_query,
)

GUID = uuid.UUID("3c534e79-c4fe-44d2-9765-00b30573c2de")
ROW = {
    "Code": "  8000",
    "Description": "Omzet hoog",
    "ID": GUID,
    "Amount": Decimal("12.50"),
    "Type": 110,
    "Hid": Int64(7),
    "IsBlocked": False,
    "Created": datetime(2025, 3, 10, 13, 5, tzinfo=UTC),
    "Notes": None,
}


def test_literals_are_typed() -> None:
    assert parse_literal("'it''s'") == "it's"
    assert parse_literal(f"guid'{GUID}'") == GUID
    assert parse_literal("123L") == 123 and isinstance(parse_literal("123L"), Int64)
    assert parse_literal("12") == 12
    assert parse_literal("1.5") == Decimal("1.5")
    assert parse_literal("1.5M") == Decimal("1.5")
    assert parse_literal("true") is True and parse_literal("false") is False
    assert parse_literal("null") is None
    assert parse_literal("datetime'2025-01-01'") == datetime(2025, 1, 1, tzinfo=AMSTERDAM)
    assert parse_literal("datetime'2022-12-12T01:00:00'") == datetime(2022, 12, 12, 1, tzinfo=AMSTERDAM)


def test_datetime_literal_without_zone_is_dutch_local_time() -> None:
    # 2025-03-10 14:05 in Amsterdam (CET, UTC+1) is 13:05 UTC.
    assert matches(parse_filter("Created eq datetime'2025-03-10T14:05:00'"), ROW)
    assert not matches(parse_filter("Created eq datetime'2025-03-10T13:05:00'"), ROW)


def test_precedence_and_binds_tighter_than_or() -> None:
    tree = parse_filter("Type eq 1 or Type eq 110 and IsBlocked eq true")
    assert isinstance(tree, BoolOp) and tree.op == "or"
    assert isinstance(tree.right, BoolOp) and tree.right.op == "and"
    assert not matches(tree, ROW)
    assert matches(parse_filter("(Type eq 1 or Type eq 110) and IsBlocked eq false"), ROW)


def test_tree_shape_of_not_and_functions() -> None:
    tree = parse_filter("not startswith(Description, 'Om')")
    assert tree == Not(Call("startswith", (Prop("Description"), Literal("Om"))))
    assert parse_filter("trim(Code) eq '8000'") == Compare("eq", Call("trim", (Prop("Code"),)), Literal("8000"))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("trim(Code) eq '8000'", True),
        ("Code eq '8000'", False),
        ("Code eq '  8000'", True),
        ("substringof('hoog', Description)", True),
        ("substringof('laag', Description)", False),
        ("startswith(Description, 'Omzet')", True),
        ("endswith(Description, 'hoog')", True),
        ("tolower(Description) eq 'omzet hoog'", True),
        ("toupper(Description) eq 'OMZET HOOG'", True),
        ("length(Description) eq 10", True),
        (f"ID eq guid'{GUID}'", True),
        (f"ID ne guid'{GUID}'", False),
        ("Amount gt 12", True),
        ("Amount ge 12.5", True),
        ("Amount lt 12.5M", False),
        ("Amount le 12.50", True),
        ("Hid eq 7L", True),
        ("Hid gt 6L and Hid lt 8L", True),
        ("IsBlocked eq false", True),
        ("not (IsBlocked eq false)", False),
        ("Notes eq null", True),
        ("Notes ne null", False),
        ("Notes gt 'a'", False),
        ("substringof('x', Notes)", False),
        ("Created gt datetime'2025-03-10'", True),
        ("Created lt datetime'2025-03-10T00:00:00Z'", False),
    ],
)
def test_evaluation(expression: str, expected: bool) -> None:
    assert matches(parse_filter(expression, ROW.keys()), ROW) is expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("Code eq", "Syntax error"),
        ("(Code eq '1'", r"'\)' expected"),
        ("Code eq '1')", r"unexpected '\)'"),
        ("Code eq '1' and", "Syntax error"),
        ("Nope eq 1", "No property 'Nope'"),
        ("frobnicate(Code)", "Unknown function"),
        ("trim(Code, Code) eq '1'", "takes 1 argument"),
        ("Code eq 'unterminated", "Syntax error"),
        ("ID eq guid'not-a-guid'", "Edm.Guid"),
        ("Created eq datetime'yesterday'", "Edm.DateTime"),
        ("Code eq 1 = 2", "Syntax error"),
        ("", "Expression expected"),
    ],
)
def test_syntax_errors(expression: str, message: str) -> None:
    with pytest.raises(ODataError, match=message):
        parse_filter(expression, ROW.keys())


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("ID eq '3c534e79-c4fe-44d2-9765-00b30573c2de'", "'Edm.Guid' and 'Edm.String'"),
        ("Code eq 8000", "'Edm.String' and 'Edm.Decimal'"),
        ("IsBlocked gt false", "not defined"),
        ("trim(Type) eq '1'", "needs Edm.String"),
        ("Code", "boolean expression"),
    ],
)
def test_type_errors_like_exact(expression: str, message: str) -> None:
    tree = parse_filter(expression, ROW.keys())
    with pytest.raises(ODataError, match=message):
        matches(tree, ROW)


def test_parse_query_options() -> None:
    query = parse_query(
        {
            "$select": "Code,ID",
            "$orderby": "Code desc, ID",
            "$top": "5",
            "$skip": "2",
            "$filter": "Type eq 110",
            "$inlinecount": "allpages",
        },
        list(ROW),
    )
    assert query.select == ["Code", "ID"]
    assert query.orderby == [("Code", True), ("ID", False)]
    assert (query.top, query.skip, query.inlinecount) == (5, 2, True)


@pytest.mark.parametrize(
    "args",
    [
        {"$select": "Code,Nope"},
        {"$orderby": "Nope"},
        {"$orderby": "Code sideways"},
        {"$top": "-1"},
        {"$top": "ten"},
        {"$skip": "1.5"},
        {"$expand": "Lines"},
        {"$frobnicate": "1"},
        {"$format": "xml"},
        {"$inlinecount": "some"},
    ],
)
def test_parse_query_refuses(args: dict[str, str]) -> None:
    with pytest.raises(ODataError):
        parse_query(args, list(ROW))


def _rows(n: int) -> list[dict[str, object]]:
    return [{"ID": uuid.UUID(int=i + 1), "N": i % 7, "Name": f"row {i:03d}"} for i in range(n)]


def test_paging_continues_after_the_skiptoken_without_gaps_or_repeats() -> None:
    rows = _rows(150)
    seen: list[object] = []
    query = Query(orderby=[("N", True)])
    while True:
        page = run_query(rows, query, "ID", 60)
        seen.extend(row["ID"] for row in page.rows)
        if page.next_token is None:
            break
        query = Query(orderby=[("N", True)], skiptoken=page.next_token)
    assert len(seen) == 150 and len(set(seen)) == 150
    ordered = [r["ID"] for r in sorted(rows, key=lambda r: (-int(r["N"]), r["ID"]))]  # type: ignore[call-overload]
    assert seen == ordered


def test_top_larger_than_page_carries_the_rest_into_the_next_link() -> None:
    page = run_query(_rows(150), Query(top=100), "ID", 60)
    assert len(page.rows) == 60 and page.next_top == 40
    last = run_query(_rows(150), Query(top=40, skiptoken=page.next_token), "ID", 60)
    assert len(last.rows) == 40 and last.next_token is None


def test_a_full_last_page_still_links_to_an_empty_one() -> None:
    page = run_query(_rows(60), Query(), "ID", 60)
    assert page.next_token is not None
    assert run_query(_rows(60), Query(skiptoken=page.next_token), "ID", 60).rows == []


@given(
    st.one_of(
        st.text(max_size=20),
        st.integers(-(10**12), 10**12),
        st.uuids(),
        st.booleans(),
        st.none(),
        st.integers(-(10**12), 10**12).map(Int64),
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9),
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
            lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=AMSTERDAM)
        ),
    )
)
def test_format_and_parse_literal_round_trip(value: object) -> None:
    parsed = parse_literal(format_literal(value))
    assert parsed == value
    assert type(parsed) is type(value) or (isinstance(value, Decimal) and value == value.to_integral_value())


@given(
    st.lists(st.integers(-50, 50), max_size=40),
    st.integers(-50, 50),
    st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]),
)
def test_comparisons_agree_with_python(values: list[int], bound: int, op: str) -> None:
    rows = [{"ID": uuid.UUID(int=i + 1), "V": v} for i, v in enumerate(values)]
    python = {
        "eq": int.__eq__,
        "ne": int.__ne__,
        "gt": int.__gt__,
        "ge": int.__ge__,
        "lt": int.__lt__,
        "le": int.__le__,
    }[op]
    page = run_query(rows, Query(filter=parse_filter(f"V {op} {bound}")), "ID", 1000)
    assert [r["V"] for r in page.rows] == [v for v in values if python(v, bound)]
