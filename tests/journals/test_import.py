"""Importing RetailVista's Exact Online cash-journal file: happy, bad lines, twice, page and CLI."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import importer
from ledgerlink.journals.importer import parse
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.choices import Role
from tests import factories
from tests.support.journals import run_imports

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = (FIXTURES / "cash_journal.csv").read_bytes()
BAD = (FIXTURES / "cash_journal_bad.csv").read_bytes()
CHANGED = (FIXTURES / "cash_journal_changed.csv").read_bytes()


def bom_crlf(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


@pytest.fixture
def company() -> Any:
    made = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=made, number=1, name="Exact Online")
    return made


def snapshot(company: Any) -> list[tuple[Any, ...]]:
    return [
        (j.pk, j.reference, j.content_hash, j.updated_at, j.lines.count())
        for j in Journal.objects.for_company(company).order_by("pk")
    ]


# --- reading (no database) -------------------------------------------------------------------------------------


def test_parse_groups_lines_by_entry_with_signs_as_debit_and_credit() -> None:
    parsed = importer.parse(importer.decode(GOOD))
    assert parsed.problems == []
    assert [entry.reference for entry in parsed.entries] == ["file:90-2024-1001", "file:90-2024-1002"]
    first = parsed.entries[0]
    assert str(first.date) == "2024-06-10" and first.period == 6
    assert [(line.ledger_code, line.debit, line.credit, line.vat_code, line.vat_amount) for line in first.lines] == [
        ("1000", Decimal("250.00"), Decimal("0.00"), "", Decimal("0.00")),
        ("1100", Decimal("121.00"), Decimal("0.00"), "", Decimal("0.00")),
        ("8000", Decimal("0.00"), Decimal("300.00"), "2", Decimal("63.00")),
        ("8010", Decimal("0.00"), Decimal("71.00"), "1", Decimal("6.39")),
    ]
    assert first.lines[2].description == "Sales high, incl. VAT"  # a quoted comma stays in the text
    assert parsed.skipped == [6]  # the zero line of gift cards: nothing to book
    assert first.rows == [2, 3, 4, 5]


def test_bom_crlf_and_a_missing_title_row_read_the_same() -> None:
    plain = importer.parse(importer.decode(GOOD))
    windows = importer.parse(importer.decode(bom_crlf(GOOD)))
    assert [(e.reference, e.lines) for e in windows.entries] == [(e.reference, e.lines) for e in plain.entries]
    untitled = importer.parse(importer.decode(GOOD.split(b"\n", 1)[1]))
    assert [(e.reference, e.lines) for e in untitled.entries] == [(e.reference, e.lines) for e in plain.entries]


def test_every_bad_line_is_reported_with_its_line_number_and_the_fix() -> None:
    parsed = importer.parse(importer.decode(BAD))
    by_row: dict[int | None, list[str]] = {}
    for problem in parsed.problems:
        by_row.setdefault(problem.row, []).append(problem.message)
    assert set(by_row) == {2, 3, 4, 5, 6, 7}, by_row
    assert "decimal comma" in by_row[2][0] and "decimal point, like 12.30" in by_row[2][0]
    assert "yyyy-mm-dd" in by_row[3][0]
    assert "more than two decimals" in by_row[4][0]
    assert "GL number is empty" in by_row[5][0]
    assert "has 12 columns" not in by_row[6][0] and "11 columns" in by_row[6][0]
    assert "no VAT code" in by_row[7][0]


def test_lines_of_one_entry_must_share_date_and_line_numbers_must_not_repeat() -> None:
    text = (
        GOOD.decode() + "5,1001,90,2024,6,2024-06-12,1.00,,0.00,,1000,Other day,\n"
        "1,1002,90,2024,6,2024-06-11,1.00,,0.00,,1000,Same number,\n"
    )
    problems = importer.parse(text).problems
    assert [p.row for p in problems] == [9, 10]
    assert "same date" in problems[0].message and "line 2" in problems[0].message
    assert "appears twice" in problems[1].message


def test_a_semicolon_file_is_named_as_the_wrong_export_once() -> None:
    multivers = b"Boekjaar;Periode;Dagboek;Boekstuk\n2024;6;90;1001\n2024;6;90;1002\n"
    problems = importer.parse(importer.decode(multivers)).problems
    assert len(problems) == 1 and problems[0].row is None and "semicolons" in problems[0].message


def test_not_utf8_is_refused_with_the_line() -> None:
    data = GOOD.replace(b"Sales low", "Café".encode("cp1252"))
    with pytest.raises(importer.ImportRefused) as refused:
        importer.decode(data)
    assert refused.value.problems[0].row == 5
    assert "UTF-8" in refused.value.problems[0].message


# --- importing --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_happy_file_makes_one_cash_journal_per_entry(company: Any) -> None:
    result = importer.import_file(company, 1, GOOD)
    assert result.ok, result.problems
    assert (result.created, result.unchanged) == (2, 0)
    journals = list(Journal.objects.for_company(company).order_by("reference"))
    assert [(j.reference, j.kind, str(j.date), j.source, j.status) for j in journals] == [
        ("file:90-2024-1001", "cash", "2024-06-10", "import", "queued"),
        ("file:90-2024-1002", "cash", "2024-06-11", "import", "queued"),
    ]
    assert journals[0].description == "RetailVista cash journal 90 2024/06 entry 1001"
    lines = list(journals[0].lines.order_by("line_no"))
    assert [(line.ledger_code, line.debit, line.credit) for line in lines] == [
        ("1000", Decimal("250.00"), 0),
        ("1100", Decimal("121.00"), 0),
        ("8000", 0, Decimal("300.00")),
        ("8010", 0, Decimal("71.00")),
    ]
    assert result.journals[0].debit == result.journals[0].credit == Decimal("371.00")


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(company: Any) -> None:
    importer.import_file(company, 1, GOOD)
    before = snapshot(company)
    again = importer.import_file(company, 1, GOOD)
    assert again.ok and (again.created, again.unchanged) == (0, 2)
    assert {j.journal_id for j in again.journals} == {row[0] for row in before}
    # The same export saved by Excel on Windows (BOM, CRLF) is the same file.
    windows = importer.import_file(company, 1, bom_crlf(GOOD))
    assert windows.ok and windows.created == 0
    assert snapshot(company) == before


@pytest.mark.django_db
def test_a_file_with_bad_lines_imports_nothing(company: Any) -> None:
    result = importer.import_file(company, 1, BAD)
    assert not result.ok
    assert sorted({p.row for p in result.problems}) == [2, 3, 4, 5, 6, 7]
    assert Journal.objects.count() == 0


@pytest.mark.django_db
def test_an_entry_imported_before_with_other_content_is_reported_and_nothing_changes(company: Any) -> None:
    importer.import_file(company, 1, GOOD)
    before = snapshot(company)
    result = importer.import_file(company, 1, GOOD + CHANGED.split(b"\n", 1)[1].replace(b"1002", b"1003"))
    assert result.ok  # a new entry 1003 beside the two known ones is fine
    assert result.created == 1
    before = snapshot(company)
    result = importer.import_file(company, 1, CHANGED)
    assert not result.ok
    assert result.problems[0].row == 2
    assert "imported before" in result.problems[0].message and "80.50" in result.problems[0].message
    assert snapshot(company) == before


@pytest.mark.django_db
def test_unknown_connector_and_empty_file(company: Any) -> None:
    result = importer.import_file(company, 9, GOOD)
    assert not result.ok and "no connector 9" in result.problems[0].message
    assert importer.import_file(company, 1, b"Line number,Journal entry\n").problems[0].row is None
    assert Journal.objects.count() == 0


# --- the page ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_upload_is_stored_then_imported_by_the_worker(company: Any) -> None:
    client = factories.signed_in_client(factories.user(company))
    page = client.get("/journals/import")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_connector">Connector</label>' in html and '<label for="id_file">File</label>' in html
    assert 'enctype="multipart/form-data"' in html and "data-disable-on-submit" in html

    response = client.post(
        "/journals/import", {"connector": 1, "file": SimpleUploadedFile("kas.csv", GOOD, "text/csv")}
    )
    assert response.status_code == 302
    job_page = response["Location"]
    waiting = client.get(job_page).content.decode()
    assert "Waiting for the worker" in waiting and 'hx-trigger="every 1s"' in waiting
    assert Journal.objects.count() == 0

    assert run_imports() == 1
    done = client.get(job_page).content.decode()
    assert "Imported" in done and "2 new journals" in done and "every 1s" not in done
    assert Journal.objects.count() == 2

    again = client.post("/journals/import", {"connector": 1, "file": SimpleUploadedFile("kas.csv", GOOD)})
    assert again["Location"] == job_page  # the same file is recognised at once
    assert "uploaded before" in client.get(job_page).content.decode()
    assert Journal.objects.count() == 2


@pytest.mark.django_db
def test_page_upload_of_a_bad_file_lists_every_problem(company: Any) -> None:
    client = factories.signed_in_client(factories.user(company))
    response = client.post("/journals/import", {"connector": 1, "file": SimpleUploadedFile("bad.csv", BAD)})
    run_imports()
    html = client.get(response["Location"]).content.decode()
    assert "Nothing imported" in html and "The file has 6 problems" in html
    for row in (2, 3, 4, 5, 6, 7):
        assert f"Line {row}: " in html
    assert Journal.objects.count() == 0


@pytest.mark.django_db
def test_import_page_is_for_company_admins(company: Any) -> None:
    clerk = factories.user(company, "clerk", role=Role.USER)
    assert factories.signed_in_client(clerk).get("/journals/import").status_code == 403
    other = factories.company(1002, "Other BV", "other")
    admin_other = factories.user(other, "boss")
    response = factories.signed_in_client(admin_other).get("/journals/import")
    assert response.status_code == 200
    assert "has none yet" in response.content.decode()  # company 1002 has no connector; 1001's is not offered
    posted = factories.signed_in_client(admin_other).post(
        "/journals/import", {"connector": 1, "file": SimpleUploadedFile("kas.csv", GOOD)}
    )
    assert posted.status_code == 422 and Journal.objects.count() == 0
    mine = factories.signed_in_client(factories.user(company)).post(
        "/journals/import", {"connector": 1, "file": SimpleUploadedFile("kas.csv", GOOD)}
    )
    assert factories.signed_in_client(admin_other).get(mine["Location"]).status_code == 404


# --- the command ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_import(company: Any, tmp_path: Path) -> None:
    path = tmp_path / "kas.csv"
    path.write_bytes(bom_crlf(GOOD))
    out = io.StringIO()
    call_command("journals", "import", str(path), "--company", "demo", "--connector", "1", stdout=out)
    assert "kas.csv: 2 new, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("journals", "import", str(path), "--company", "1001", "--connector", "1", stdout=out)
    assert "uploaded before" in out.getvalue() and "kas.csv: 2 new, 0 unchanged" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("journals", "import", str(bad), "--company", "demo", "--connector", "1", stderr=err)
    assert "nothing imported (6 problem(s))" in str(failed.value)
    assert "bad.csv: line 2: " in err.getvalue() and "bad.csv: line 7: " in err.getvalue()
    with pytest.raises(CommandError, match="Unknown company"):
        call_command("journals", "import", str(path), "--company", "nobody", "--connector", "1")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("journals", "import", str(tmp_path / "missing.csv"), "--company", "demo", "--connector", "1")
    assert Journal.objects.count() == 2


def test_import_refuses_a_hyphen_in_the_journal_code_and_odd_digits() -> None:
    text = (
        "regel,boeking,dagboek,jaar,periode,datum,bedrag,btwcode,btwbedrag,relatie,grootboek,omschrijving,product\n"
        "0,1,90-2024,2026,1,2026-01-05,121.00,,,,1000,Kas,\n"
        "²,1,90,2026,1,2026-01-05,-121.00,,,,8000,Omzet,\n"
    )
    result = parse(text)
    messages = " ".join(problem.message for problem in result.problems)
    assert "90-2024" in messages and "line number" in messages
