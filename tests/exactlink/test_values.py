"""Value conversions at the boundary: /Date(ms)/, Decimal, Int64, padded codes, GUIDs, envelopes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactlink.errors import InvalidGuid
from exactlink.resources import GJE_SPEC, GL_SPEC, SALES_SPEC
from exactlink.values import (
    EXACT_TZ,
    Code,
    Deferred,
    FieldSpec,
    convert_entity,
    dumps,
    format_exact_datetime,
    guid,
    iso_for_exact,
    loads,
    parse_exact_datetime,
    unwrap,
)

from .helpers import fixture_bytes

MS_RANGE = st.integers(min_value=-2_000_000_000_000, max_value=4_000_000_000_000)


# --- /Date(ms)/ -------------------------------------------------------------------------------


def test_date_is_dutch_wall_clock_written_as_utc():
    # reference §8: Created 14:05:11 Dutch time is /Date(1741615511433)/, i.e. 13:05:11 real UTC.
    dt = parse_exact_datetime("/Date(1741615511433)/")
    assert dt is not None
    assert dt.tzinfo is EXACT_TZ
    assert (dt.hour, dt.minute, dt.second, dt.microsecond) == (14, 5, 11, 433000)
    assert dt.astimezone(UTC) == datetime(2025, 3, 10, 13, 5, 11, 433000, tzinfo=UTC)


def test_summer_time_offset_is_two_hours():
    # nango fixture: created 14:17:09Z (CEST) came back as 16:17:09 "UTC".
    dt = parse_exact_datetime("/Date(1782404229433)/")
    assert dt is not None
    assert dt.astimezone(UTC).hour == 14
    assert dt.hour == 16


def test_date_only_field_is_local_midnight():
    # EntryDate sent as "2024-05-30" came back as /Date(1717027200000)/.
    assert format_exact_datetime(date(2024, 5, 30)) == "/Date(1717027200000)/"
    entity = convert_entity({"EntryDate": "/Date(1717027200000)/"}, SALES_SPEC)
    assert entity["EntryDate"] == date(2024, 5, 30)
    assert type(entity["EntryDate"]) is date


@given(MS_RANGE)
def test_exact_date_text_round_trips(ms):
    text = f"/Date({ms})/"
    dt = parse_exact_datetime(text)
    assert dt is not None and dt.tzinfo is not None
    assert format_exact_datetime(dt) == text


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_aware_datetime_round_trips_to_the_same_dutch_wall_clock(dt):
    dt = dt.replace(microsecond=dt.microsecond // 1000 * 1000)  # Exact keeps milliseconds
    back = parse_exact_datetime(format_exact_datetime(dt))
    assert back is not None
    wall = dt.astimezone(EXACT_TZ)
    assert back.replace(tzinfo=None, fold=0) == wall.replace(tzinfo=None, fold=0)
    # Away from the yearly hour that occurs twice, the instant survives too.
    if wall.replace(fold=0).utcoffset() == wall.replace(fold=1).utcoffset():
        assert back == dt


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)))
def test_dates_round_trip(d):
    back = parse_exact_datetime(format_exact_datetime(d))
    assert back is not None
    assert back.date() == d
    assert (back.hour, back.minute) == (0, 0)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        format_exact_datetime(datetime(2025, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="naive"):
        dumps({"Date": datetime(2025, 1, 1, 12, 0)})


def test_iso_for_exact_writes_dutch_local_time_without_zone():
    assert iso_for_exact(datetime(2025, 7, 1, 10, 0, tzinfo=UTC)) == "2025-07-01T12:00:00"
    assert iso_for_exact(date(2025, 7, 1)) == "2025-07-01"


@pytest.mark.parametrize("text", ["/Date(abc)/", "Date(1)", "/Date(1+0100)/", "2025-01-01"])
def test_other_strings_are_not_dates(text):
    assert parse_exact_datetime(text) is None
    assert convert_entity({"X": text})["X"] == text


# --- numbers ----------------------------------------------------------------------------------


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_decimal_amounts_survive_json_both_ways(amount):
    body = dumps({"AmountFC": amount})
    assert b"e" not in body.lower()  # fixed-point, never an exponent
    back = loads(body)["AmountFC"]
    assert Decimal(back) == amount
    # digit for digit: the text Exact receives is exactly the Decimal's fixed-point form
    assert json.loads(body, parse_float=str, parse_int=str)["AmountFC"] == format(amount, "f")


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_finite_decimal_is_sent_as_an_exact_json_number(amount):
    body = dumps([amount])
    assert Decimal(json.loads(body, parse_float=str, parse_int=str)[0]) == amount


def test_float_is_refused_on_the_way_out():
    with pytest.raises(TypeError, match="Decimal"):
        dumps({"AmountFC": 250.0})


def test_nan_is_refused():
    with pytest.raises(ValueError):
        dumps({"AmountFC": Decimal("NaN")})


def test_numbers_come_in_as_decimal_never_float():
    doc = loads(b'{"a": 0.1, "b": 9075, "c": 1e-7}')
    assert doc == {"a": Decimal("0.1"), "b": 9075, "c": Decimal("1e-7")}
    assert not any(isinstance(v, float) for v in doc.values())


def test_declared_amounts_become_decimal_even_when_integral():
    entity = convert_entity({"AmountFC": 9075, "AmountDC": Decimal("1.10"), "Division": 1}, SALES_SPEC)
    assert entity["AmountFC"] == Decimal(9075) and isinstance(entity["AmountFC"], Decimal)
    assert entity["Division"] == 1 and isinstance(entity["Division"], int)


def test_int64_strings_become_ints():
    spec = FieldSpec(int64=("Hid", "Timestamp"))
    assert convert_entity({"Hid": "1", "Timestamp": "123456789012"}, spec) == {
        "Hid": 1,
        "Timestamp": 123456789012,
    }


# --- codes and GUIDs --------------------------------------------------------------------------


def test_padded_code_is_kept_raw_but_compares_trimmed():
    code = Code("           1000123")
    assert code == "1000123"
    assert "1000123" == code  # noqa: SIM300 - the reflected comparison is the point
    assert code != "1000124"
    assert str(code) == "           1000123"
    assert code.trimmed == "1000123"
    assert {"1000123": "found"}[code] == "found"
    assert code in {"1000123"}
    assert dumps({"Code": code}) == b'{"Code":"           1000123"}'


@given(st.text(alphabet="0123456789ABC", min_size=1, max_size=10), st.integers(0, 8), st.integers(0, 8))
def test_code_equality_ignores_any_padding(core, left, right):
    assert Code(" " * left + core + " " * right) == core
    assert hash(Code(" " * left + core)) == hash(Code(core + " " * right))


def test_guid_normalises_and_validates():
    assert guid("{3F2A9C1E-0B5D-4E8A-9D7C-1A2B3C4D5E6F}") == "3f2a9c1e-0b5d-4e8a-9d7c-1a2b3c4d5e6f"
    u = uuid.uuid4()
    assert guid(u) == str(u)
    for bad in ["", "8000", "3f2a9c1e-0b5d-4e8a-9d7c-1a2b3c4d5e6", "3f2a9c1e0b5d4e8a9d7c1a2b3c4d5e6f0", None]:
        with pytest.raises(InvalidGuid):
            guid(bad)  # type: ignore[arg-type]


def test_guid_fields_are_checked_before_sending():
    body = {"GeneralJournalEntryLines": [{"GLAccount": "8000", "AmountFC": Decimal(1)}]}
    with pytest.raises(InvalidGuid):
        dumps(body, guid_fields=frozenset({"GLAccount"}))
    ok = {"Lines": [{"GLAccount": "{3F2A9C1E-0B5D-4E8A-9D7C-1A2B3C4D5E6F}"}]}
    assert b"3f2a9c1e-0b5d-4e8a-9d7c-1a2b3c4d5e6f" in dumps(ok, guid_fields=frozenset({"GLAccount"}))


# --- envelopes, with Exact's recorded bodies --------------------------------------------------


def test_collection_with_results_and_metadata():
    envelope = unwrap(loads(fixture_bytes("Response_Json_Array_GLAccount.json")))
    assert not envelope.single
    assert envelope.next_url == (
        "https://start.exactonline.nl/api/v1/499156/financial/GLAccounts"
        "?$skiptoken=guid'39849964-a616-4847-8907-ddfad99ff4aa'"
    )
    accounts = [convert_entity(e, GL_SPEC) for e in envelope.entities]
    first = accounts[0]
    assert first["ID"] == "3c534e79-c4fe-44d2-9765-00b30573c2de"
    assert first["Code"] == "4406"
    assert first["SearchCode"] == "RENTE" and str(first["SearchCode"]) == "RENTE    "
    assert first["Created"] == datetime(2013, 10, 25, 2, 24, 29, 110000, tzinfo=EXACT_TZ)
    assert first["__metadata"]["type"] == "Exact.Web.Api.Models.GLAccount"


def test_single_entity_in_d():
    envelope = unwrap(loads(fixture_bytes("Response_Json_Object_GLAccount.json")))
    assert envelope.single and len(envelope.entities) == 1
    assert envelope.entities[0]["Code"] == "4406"


def test_bare_array_and_bare_object():
    array = unwrap(loads(fixture_bytes("Response_Json_Array_Account.json")))
    assert len(array.entities) >= 1 and not array.single
    account = convert_entity(array.entities[0], FieldSpec(codes=("Code", "Country")))
    assert account["Code"] == "8" and account["Country"] == "NL"
    obj = unwrap(loads(fixture_bytes("Response_Json_Object_Account.json")))
    assert obj.single and obj.entities[0]["ID"] == "71b961de-b9f3-49fe-883d-0f46c7e0e89b"


def test_d_with_bare_array():
    envelope = unwrap({"d": [{"ID": "a"}, {"ID": "b"}]})
    assert [e["ID"] for e in envelope.entities] == ["a", "b"]


def test_next_link_is_kept():
    envelope = unwrap({"d": {"results": [{"ID": "a"}], "__next": "https://x/api?$skiptoken=guid'a'"}})
    assert envelope.next_url == "https://x/api?$skiptoken=guid'a'"


def test_deferred_and_expanded_navigation_properties():
    envelope = unwrap(loads(fixture_bytes("Response_Json_Array_SalesInvoice_WithLinkedEntities.json")))
    invoice = convert_entity(envelope.entities[0], FieldSpec(dates=("InvoiceDate", "DueDate"), decimals=("AmountFC",)))
    assert invoice["AmountFC"] == Decimal(9075)
    assert invoice["InvoiceDate"] == date(2012, 10, 26)
    nav = [v for v in invoice.values() if isinstance(v, (list, Deferred))]
    assert nav, "the invoice carries its lines, expanded or deferred"
    empty = unwrap(loads(fixture_bytes("APIResponse_Json_Array_WithEmptyLinkedEntities.json")))
    assert convert_entity(empty.entities[0])["BankAccounts"] == []
    account = unwrap(loads(fixture_bytes("APIResponse_Json_Array.json"))).entities[0]
    assert isinstance(convert_entity(account)["BankAccounts"], Deferred)


def test_expanded_lines_use_the_line_rules():
    raw = {
        "EntryID": "e1",
        "JournalCode": "90",
        "GeneralJournalEntryLines": {
            "results": [{"AmountFC": 250, "Date": "/Date(1741564800000)/", "GLAccountCode": "  8000"}]
        },
    }
    entry = convert_entity(raw, GJE_SPEC)
    line = entry["GeneralJournalEntryLines"][0]
    assert line["AmountFC"] == Decimal("250") and isinstance(line["AmountFC"], Decimal)
    assert line["Date"] == date(2025, 3, 10)
    assert line["GLAccountCode"] == "8000"


def test_malformed_envelopes_are_refused():
    with pytest.raises(ValueError):
        unwrap(loads(fixture_bytes("APIResponse_Json_Array_WithoutResultsTag.json")))
    for name in ("APIResponse_Json_Array_WithoutDTag.json", "Response_Json_Object_GLAccount_WithCorruptJson.json"):
        with pytest.raises(ValueError):
            loads(fixture_bytes(name))


def test_request_body_matches_exacts_own_serialisation():
    # Exact's SDK test expects this JSON for a sales invoice with one linked line.
    expected = json.loads(fixture_bytes("Expected_Json_Object_ComplexEntity_WithLinkedEntity.json").decode("utf-8-sig"))
    ours = json.loads(dumps(expected, guid_fields=frozenset({"InvoiceTo", "OrderedBy", "Item"})))
    assert ours == expected


def test_dates_in_bodies_are_iso_local():
    body = dumps({"Date": date(2025, 3, 10), "When": datetime(2025, 3, 10, 13, 0, tzinfo=UTC)})
    assert json.loads(body) == {"Date": "2025-03-10", "When": "2025-03-10T14:00:00"}


def test_day_boundary_in_dutch_time():
    # 23:30 UTC on 31 Dec is already 1 Jan in the Netherlands.
    dt = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    parsed = parse_exact_datetime(format_exact_datetime(dt))
    assert parsed is not None and parsed.date() == date(2025, 1, 1)
    assert parsed - dt == timedelta(0)
