"""Imports as background jobs (import_jobs.py): stored, taken by one worker, written in short chunks, shown as
they go, problems paged, the same file recognised, a dead worker's import taken over."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals import import_jobs, importer
from ledgerlink.journals.choices import ImportStatus
from ledgerlink.journals.models import ImportFile, ImportJob, Journal
from ledgerlink.tenancy.actors import Actor
from tests import factories
from tests.support.journals import run_imports

TITLE = "Line number,Journal entry,Journal,Year,Period,Date,Amount,VAT code,VAT amount,Relation,GL number,Description\n"


def entries_file(count: int, bad_every: int = 0) -> bytes:
    """``count`` balanced entries of four lines (no VAT, so no Exact data is needed to weigh them)."""
    rows = [TITLE]
    for entry in range(1, count + 1):
        day = f"2024-06-{(entry % 28) + 1:02d}"
        amount = '"12,50"' if bad_every and entry % bad_every == 0 else "100.00"
        rows.append(f"0,{entry},90,2024,6,{day},{amount},,0.00,,1000,Cash,\n")
        rows.append(f"1,{entry},90,2024,6,{day},21.00,,0.00,,1100,PIN,\n")
        rows.append(f"2,{entry},90,2024,6,{day},-100.00,,0.00,,8000,Sales,\n")
        rows.append(f"3,{entry},90,2024,6,{day},-21.00,,0.00,,1500,VAT,\n")
    return "".join(rows).encode()


@pytest.fixture
def company() -> Any:
    made = factories.company(1001, "Demo Retail BV", "demo")
    Connector.objects.create(company=made, number=1, name="Exact Online")
    return made


def upload(company: Any, data: bytes, name: str = "kas.csv") -> tuple[ImportJob, bool]:
    connector = Connector.objects.for_company(company).get(number=1)
    return import_jobs.start(Actor.system(), company, connector, name, data)


@pytest.mark.django_db
def test_entries_are_written_in_chunks_and_progress_is_reported_per_chunk(
    company: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 10)
    monkeypatch.setattr(importer, "LOCK_BUDGET", 3600.0)  # by count here; the time bound has its own test
    monkeypatch.setattr(importer, "POSTGRES_BUDGET", 3600.0)
    seen: list[importer.Progress] = []
    result = importer.import_file(company, 1, entries_file(35), seen.append)
    assert result.ok and result.created == 35
    assert len(result.lock_seconds) == 4  # 35 entries, 10 to a transaction
    stages = [(step.stage.value, step.done) for step in seen]
    assert stages == [
        ("checking", 0),
        ("checking", 10),
        ("checking", 20),
        ("checking", 30),
        ("checking", 35),
        ("importing", 10),
        ("importing", 20),
        ("importing", 30),
        ("importing", 35),
    ]


@pytest.mark.django_db
def test_a_job_shows_its_counters_while_it_runs(company: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "CHUNK", 10)
    monkeypatch.setattr(importer, "LOCK_BUDGET", 3600.0)
    monkeypatch.setattr(importer, "POSTGRES_BUDGET", 3600.0)
    job, earlier = upload(company, entries_file(25))
    assert not earlier and job.status == ImportStatus.PENDING
    rows: list[tuple[str, int, int]] = []

    def watch(step: importer.Progress) -> None:
        row = ImportJob.objects.get(pk=job.pk)
        rows.append((row.status, row.entries_checked, row.journals_created))

    claimed = import_jobs.claim(clock.now())
    assert claimed is not None and claimed.pk == job.pk
    import_jobs.run(claimed, watch)
    assert rows[0] == ("checking", 0, 0) and ("importing", 25, 20) in rows
    job.refresh_from_db()
    assert (job.status, job.lines_total, job.entries_total, job.journals_created) == ("done", 101, 25, 25)
    assert import_jobs.claim(clock.now()) is None  # nothing left


@pytest.mark.django_db
def test_a_refused_file_stores_its_problems_and_pages_them(company: Any) -> None:
    job, _earlier = upload(company, entries_file(120, bad_every=1))
    run_imports()
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED and job.problem_count == 120 and Journal.objects.count() == 0
    client = factories.signed_in_client(factories.user(company))
    first = client.get(f"/journals/imports/{job.pk}").content.decode()
    assert first.count("decimal comma") == 50 and "Page 1 of 3" in first
    last = client.get(f"/journals/imports/{job.pk}?page=3").content.decode()
    assert last.count("decimal comma") == 20
    # A refused file may be uploaded again (after fixing Exact or the mapping): it is checked again.
    again, earlier = upload(company, entries_file(120, bad_every=1))
    assert not earlier and again.pk != job.pk


@pytest.mark.django_db
def test_the_result_page_stays_small_for_a_big_file(company: Any) -> None:
    job, _earlier = upload(company, entries_file(1000))
    run_imports()
    client = factories.signed_in_client(factories.user(company))
    page = client.get(f"/journals/imports/{job.pk}")
    assert "1000 new journals" in page.content.decode()
    assert len(page.content) < 20_000
    assert Journal.objects.count() == 1000


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_taken_over_and_stores_nothing_twice(company: Any) -> None:
    job, _earlier = upload(company, entries_file(5))
    with time_machine.travel(clock.now(), tick=False) as traveller:
        claimed = import_jobs.claim(clock.now())
        assert claimed is not None
        # The worker stored two entries, then died (its transaction of the rest never committed).
        importer.import_file(company, 1, entries_file(2))
        assert import_jobs.claim(clock.now()) is None  # still beating, as far as anyone knows
        traveller.shift(import_jobs.STALE_AFTER + timedelta(seconds=1))
        assert run_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and (job.journals_created, job.journals_unchanged) == (3, 2)
    assert Journal.objects.count() == 5


@pytest.mark.django_db
def test_the_worker_registers_the_import_job() -> None:
    from ledgerlink.core.worker import jobs

    assert "import-files" in [job.name for job in jobs()]


@pytest.mark.django_db
def test_cli_prints_progress_and_recognises_the_same_file(company: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(entries_file(300))
    out, err = io.StringIO(), io.StringIO()
    call_command("journals", "import", str(path), "--company", "demo", "--connector", "1", stdout=out, stderr=err)
    assert "big.csv: 300 new, 0 unchanged" in out.getvalue()
    again = io.StringIO()
    call_command("journals", "import", str(path), "--company", "demo", "--connector", "1", stdout=again)
    assert "uploaded before" in again.getvalue()
    assert Journal.objects.count() == 300


@pytest.mark.django_db
def test_another_company_cannot_see_an_import(company: Any) -> None:
    job, _earlier = upload(company, entries_file(1))
    other = factories.company(1002, "Other BV", "other")
    client = factories.signed_in_client(factories.user(other, "boss"))
    assert client.get(f"/journals/imports/{job.pk}").status_code == 404
    assert client.get(f"/journals/imports/{job.pk}/status").status_code == 404


@pytest.mark.django_db
def test_the_status_fragment_polls_until_the_job_is_finished(company: Any) -> None:
    client = factories.signed_in_client(factories.user(company))
    response = client.post(
        "/journals/import", {"connector": 1, "file": SimpleUploadedFile("kas.csv", entries_file(3), "text/csv")}
    )
    status_url = response["Location"] + "/status"
    assert 'hx-trigger="every 1s"' in client.get(status_url).content.decode()
    run_imports()
    finished = client.get(status_url).content.decode()
    assert "every 1s" not in finished and "3 new journals" in finished


@pytest.mark.django_db
def test_a_database_error_leaves_the_job_for_the_next_round(company: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    job, _earlier = upload(company, entries_file(3))

    def locked(*args: object, **kwargs: object) -> None:
        raise OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(importer, "import_file", locked)
        assert run_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
    assert run_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.journals_created == 3


@pytest.mark.django_db
def test_a_write_transaction_ends_when_its_time_is_up(company: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # 200 entries in one transaction took seconds on a busy machine: SQLite's one write lock that long made
    # another company's API call time out (test_import_concurrency.py); on PostgreSQL it held its rows 15 s.
    monkeypatch.setattr(importer, "LOCK_BUDGET", 0.0)  # time is up after every entry
    monkeypatch.setattr(importer, "POSTGRES_BUDGET", 0.0)
    monkeypatch.setattr(importer, "SQLITE_PAUSE", 0.0)
    result = importer.import_file(company, 1, entries_file(5))
    assert result.ok and result.created == 5
    assert len(result.lock_seconds) == 5


def test_the_progress_bar_only_goes_forward() -> None:
    # Checking and storing each ran the bar 0 → 100 %: it jumped back when storing began (seen in the browser).
    from ledgerlink.journals.views_imports import _percent

    def at(status: str, checked: int = 0, written: int = 0) -> int:
        return _percent(ImportJob(status=status, entries_total=400, entries_checked=checked, journals_created=written))

    shown = [
        at("pending"),
        at("checking", 200),
        at("checking", 400),
        at("importing", 400, 0),
        at("importing", 400, 200),
        at("importing", 400, 400),
        at("done", 400, 400),
    ]
    assert shown == [0, 25, 50, 50, 75, 100, 100]


@pytest.mark.django_db(transaction=True)
def test_a_stored_upload_moves_to_its_own_row_when_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    # operations' and closings' migrations build on journals' latest: they go back with it
    before = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("journals", "operations", "closings")
    ]
    before.append(("journals", "0012_purchase_journals"))
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    company = old.get_model("tenancy", "Company").objects.create(number=1001, name="Old BV")
    connector = old.get_model("connectors", "Connector").objects.create(company=company, number=1, name="Exact")
    job = old.get_model("journals", "ImportJob").objects.create(
        company=company,
        connector=connector,
        file_name="kas.csv",
        digest="d",
        size=5,
        data=b"bytes",
        created_by="test",
        created_at=clock.now(),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert bytes(ImportFile.objects.get(job_id=job.pk).data) == b"bytes"
