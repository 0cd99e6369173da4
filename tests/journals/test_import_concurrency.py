"""A big import while another company posts through the API: the other company never gets a 5xx (issue 10).

Before background imports a 50,000-entry file held SQLite's write lock for minutes and other companies' API
calls answered 500 after 20 s. Here the import runs as the worker runs it, in a process of its own
(``ledgerlink journals import``: the same ``import_jobs.run``), on the suite's database — SQLite in one pass,
PostgreSQL in the other — while company 2's ERP posts journals through the API in this process. Written first,
it found SQLite's writer starved: the import took the write lock again the moment it let it go, and a call
waited out its 20 s timeout and answered 500 (importer.LOCK_BUDGET and SQLITE_PAUSE).

Size: 2,000 entries of 4 lines (8,000 lines, 0.2 MB) are at least 10 write transactions (200 entries, or half a
second, each), so the other company's calls land between and during many of them, which is what the test is
about; on the shared 2-core test machine that takes about a minute. The 50,000-entry file takes minutes, more
than the whole suite can spend on one test: its figures are measured by bench/bench_import.py (ADR 0017).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.journals.choices import ImportStatus
from ledgerlink.journals.models import ImportJob, Journal
from ledgerlink.tenancy.audit import Actor
from tests import factories
from tests.conftest import BIN, service_env
from tests.journals.test_import_jobs import entries_file
from tests.support.workers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = 2000


def test_another_company_posts_without_a_5xx_while_a_big_file_is_imported(tmp_path: Path) -> None:
    importer = factories.company(1001, "Import BV", "importer")
    Connector.objects.create(company=importer, number=1, name="Exact Online")
    other = factories.company(1002, "Other BV", "other", licences=("api",))
    Connector.objects.create(company=other, number=1, name="Exact Online")
    key = apikeys.create_key(Actor.system(), other, "ERP").plaintext
    erp = Client(HTTP_HOST="other.localhost")
    path = tmp_path / "big.csv"
    path.write_bytes(entries_file(ENTRIES))

    env = service_env(tmp_path, DATABASE_URL=database_url(), LEDGERLINK_LOG_LEVEL="WARNING")
    command = [str(BIN / "ledgerlink"), "journals", "import", str(path), "--company", "importer", "--connector", "1"]
    importing = subprocess.Popen(
        [*command, "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    answers: list[tuple[int, float]] = []
    try:
        number = 0
        while importing.poll() is None:
            number += 1
            body: dict[str, Any] = {
                "reference": f"OTHER-{number}",
                "kind": "cash",
                "connector": 1,
                "date": "2024-06-10",
                "lines": [{"ledger_code": "1000", "debit": "10.00"}, {"ledger_code": "8000", "credit": "10.00"}],
            }
            began = time.perf_counter()
            answer = erp.post(
                "/api/v1/journals", body, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
            )
            answers.append((answer.status_code, time.perf_counter() - began))
        output = importing.communicate(timeout=10)[0]
    finally:
        if importing.poll() is None:
            importing.kill()
    assert importing.returncode == 0, output[-2000:]
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.journals_created == ENTRIES
    imported = Journal.objects.for_company(importer).count()
    assert imported == ENTRIES
    during = [status for status, _seconds in answers]
    assert len(during) >= 10, f"only {len(during)} calls during the import: it was too quick to show anything"
    assert [s for s in during if s >= 500] == [], f"5xx while importing: {during}"
    assert set(during) == {201}
    assert Journal.objects.for_company(other).count() == len(during)
