"""Strict intake (issue 10): quotes that would swallow lines, NUL and unpaired surrogates on every way in, and
API errors as JSON. Each test here was written against the defect first."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import importer
from ledgerlink.journals.models import Journal
from tests import factories
from tests.support.api import URL, Api, body, tenant
from tests.support.journals import run_imports

TITLE = (
    "Line number,Journal entry,Journal,Year,Period,Date,Amount,VAT code,VAT amount,Relation,GL number,Description,"
    "Product\n"
)


def csv_file(*lines: str) -> bytes:
    return (TITLE + "".join(line + "\n" for line in lines)).encode()


ENTRY = [
    "0,1001,90,2024,6,2024-06-10,121.00,,0.00,,1000,Cash,",
    "1,1001,90,2024,6,2024-06-10,-100.00,,0.00,,8000,Sales,",
    "2,1001,90,2024,6,2024-06-10,-21.00,,0.00,,1500,VAT,",
]


# --- strict CSV -------------------------------------------------------------------------------------------------


def test_an_unterminated_quote_refuses_its_line_and_swallows_nothing() -> None:
    lines = list(ENTRY)
    lines[1] = '1,1001,90,2024,6,2024-06-10,-100.00,,0.00,,8000,"Sales high,'
    parsed = importer.parse(importer.decode(csv_file(*lines)))
    rows = {problem.row for problem in parsed.problems}
    assert rows == {3}, parsed.problems
    assert "quote" in parsed.problems[0].message
    # The lines after it were read as lines of their own, not as the description's text.
    assert [entry.rows for entry in parsed.entries] == [[2, 4]]


def test_a_stray_quote_inside_a_value_is_refused_with_its_line() -> None:
    lines = list(ENTRY)
    lines[2] = '2,1001,90,2024,6,2024-06-10,-21.00,,0.00,,1500,"VAT"x,'
    lines.append('3,1001,90,2024,6,2024-06-10,0.00,,0.00,,1500,VAT 6" label,')
    parsed = importer.parse(importer.decode(csv_file(*lines)))
    assert {problem.row for problem in parsed.problems} == {4, 5}, parsed.problems


def test_a_quoted_line_break_is_refused_not_joined() -> None:
    text = TITLE + ENTRY[0] + "\n" + '1,1001,90,2024,6,2024-06-10,-121.00,,0.00,,8000,"two\nlines",\n'
    parsed = importer.parse(text)
    assert {problem.row for problem in parsed.problems} == {3, 4}, parsed.problems


def test_quoted_commas_and_doubled_quotes_still_read() -> None:
    lines = list(ENTRY)
    lines[1] = '1,1001,90,2024,6,2024-06-10,-100.00,,0.00,,8000,"Sales ""high"", incl. VAT",'
    parsed = importer.parse(importer.decode(csv_file(*lines)))
    assert parsed.problems == []
    assert parsed.entries[0].lines[1].description == 'Sales "high", incl. VAT'


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_control_characters_in_a_file_are_refused_with_line_and_column(character: str) -> None:
    lines = list(ENTRY)
    lines[1] = lines[1].replace("Sales", f"Sa{character}les")
    parsed = importer.parse(importer.decode(csv_file(*lines)))
    assert [problem.row for problem in parsed.problems] == [3], parsed.problems
    assert "U+00" in parsed.problems[0].message


@pytest.mark.django_db
def test_a_file_with_an_unterminated_quote_imports_nothing() -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    lines = list(ENTRY)
    lines[1] = '1,1001,90,2024,6,2024-06-10,-100.00,,0.00,,8000,"Sales high,'
    result = importer.import_file(company, 1, csv_file(*lines))
    assert not result.ok
    assert Journal.objects.count() == 0


# --- NUL and unpaired surrogates through the API --------------------------------------------------------------


def _raw(data: dict[str, Any]) -> str:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a client's JSON library would send it.
    return json.dumps(data)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "\x00", "a\x00b"])
@pytest.mark.parametrize("where", ["reference", "description", "line description", "ledger_code", "field name"])
def test_api_refuses_nul_and_surrogates_with_422(bad: str, where: str) -> None:
    _company, key = tenant(1001, "demo")
    data = body()
    if where == "line description":
        data["lines"][0]["description"] = bad
    elif where == "ledger_code":
        data["lines"][0]["ledger_code"] = "10" + bad
    elif where == "field name":
        data["lines"][0]["x" + bad] = "1"
    else:
        data[where] = "Z" + bad
    response = Api(key).post(URL, raw=_raw(data))
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    answer = response.json()
    assert answer["problems"], answer
    assert "\x00" not in response.content.decode() and "\\ud800" not in response.content.decode()
    assert Journal.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"status": "\x00"},
        {"date_from": "2024-01-01\x00"},
        {"connector": "1\x00"},
        {"page": "\x00"},
    ],
)
def test_api_list_filters_refuse_nul_with_422(query: dict[str, str]) -> None:
    _company, key = tenant(1001, "demo")
    response = Api(key).get(URL, **query)
    assert response.status_code == 422, response.content
    assert response.json()["code"]


@pytest.mark.django_db
def test_api_key_with_nul_is_401_not_500() -> None:
    tenant(1001, "demo")
    response = Client(HTTP_HOST="localhost").get(URL, headers={"Authorization": "Bearer llk_\x00abc_def"})
    assert response.status_code == 401


# --- pages and searches ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/journals/?q=%00",
        "/journals/?status=%00",
        "/journals/?date_from=%00",
        "/journals/?connector=%00",
        "/search?q=%00",
        "/search?q=a%00b",
    ],
)
def test_page_searches_refuse_nul_with_400(path: str) -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    client = factories.signed_in_client(factories.user(company, "admin"))
    response = client.get(path)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert b"\x00" not in response.content


# --- API errors are JSON, 500 included -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unexpected_error_in_the_api_is_answered_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from ledgerlink.journals import api as journals_api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(journals_api, "submit_journal", broken)
    _company, key = tenant(1001, "demo")
    api = Api(key)
    api.client.raise_request_exception = False
    response = api.post(URL, body())
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "http.500"
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_api_address_is_answered_as_json() -> None:
    _company, key = tenant(1001, "demo")
    response = Api(key).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "http.404"


# --- the balance at import, with the VAT Exact adds -------------------------------------------------------------


def _exact_2024() -> Any:
    from datetime import UTC, date, datetime

    from ledgerlink.journals.exact_data import ExactData

    accounts = [("1000", 10), ("1100", 10), ("1500", 10), ("8000", 110), ("8010", 110), ("8020", 110)]
    return ExactData(
        fetched_at=datetime(2024, 6, 1, tzinfo=UTC),
        gl={
            code: {
                "id": f"id-{code}",
                "code": code,
                "description": code,
                "type": kind,
                "balance_type": "W",
                "blocked": False,
                "vat_code": "",
            }
            for code, kind in accounts
        },
        vat={
            "1": {"code": "1", "description": "9% excl.", "type": "E", "percentage": "0.09", "blocked": False},
            "2": {"code": "2", "description": "21% excl.", "type": "E", "percentage": "0.21", "blocked": False},
        },
        journals={"90": {"code": "90", "description": "Memoriaal", "type": 90, "allow_vat": True}},
        customers={},
        periods=[
            {"year": 2024, "period": m, "start": date(2024, m, 1).isoformat(), "end": date(2024, m + 1, 1).isoformat()}
            for m in range(1, 12)
        ],
        closed=set(),
    )


@pytest.fixture
def exact_known(monkeypatch: pytest.MonkeyPatch) -> Any:
    from ledgerlink.journals import admission

    monkeypatch.setattr(admission.exact_data, "load", lambda connector: _exact_2024())
    company = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    return company


FIXTURE = (Path(__file__).parent / "fixtures" / "cash_journal.csv").read_bytes()


@pytest.mark.django_db
def test_an_unbalanced_entry_is_refused_at_import_and_totals_include_vat(exact_known: Any) -> None:
    # The fixture's sales amounts are written without VAT while its VAT codes are "excluding": in Exact the
    # first entry is debit 371.00, credit 371.00 + 63.00 + 6.39 VAT. It used to be imported, then failed.
    result = importer.import_file(exact_known, 1, FIXTURE)
    assert not result.ok
    assert Journal.objects.count() == 0
    messages = " ".join(problem.message for problem in result.problems)
    assert "1001" in messages and "440.39" in messages
    first = result.journals[0]
    assert (first.debit, first.credit) == (Decimal("371.00"), Decimal("440.39"))


@pytest.mark.django_db
def test_the_import_page_shows_the_totals_the_check_weighs(exact_known: Any) -> None:
    client = factories.signed_in_client(factories.user(exact_known, "admin"))
    upload = SimpleUploadedFile("cash_journal.csv", FIXTURE, content_type="text/csv")
    response = client.post("/journals/import", {"connector": "1", "file": upload})
    run_imports()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing imported" in page
    assert "debit 371.00, credit 440.39" in page  # as posting would weigh it, never "371.00 / 371.00"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\ud800", "\x01"])
def test_a_bad_character_is_named_in_no_language(bad: str) -> None:
    """The problem is read in the reader's language: the character is named by its code point only (an English
    "an unpaired surrogate" inside a Dutch sentence was the bug)."""
    _company, key = tenant(1001, "demo")
    data = body()
    data["reference"] = "Z" + bad
    api = Api(key)
    api.headers["Accept-Language"] = "nl"
    response = api.post(URL, raw=_raw(data))
    assert response.status_code == 422, response.content
    [problem] = [p for p in response.json()["problems"] if p["field"] == "reference"]
    assert f"U+{ord(bad):04X}" in problem["message"]
    assert "bevat" in problem["message"]
    for english in ("unpaired", "surrogate", "control character"):
        assert english not in problem["message"], problem["message"]
