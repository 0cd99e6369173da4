"""Import as a bookkeeper meets it (issue 10): upload RetailVista's file, watch the progress, open the problems.

The served stack (gunicorn and a real worker) imports the file in the background; the job's page updates itself.
The company is one of its own, with a connector that is not authorized: its imported journals wait (nothing
is posted), so the demo company's browser tests keep the worker to themselves.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.journals.test_import_jobs import entries_file
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

SETUP = """
import django
django.setup()
from ledgerlink.connectors.models import Connector
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Role
shop = actions.create_company(Actor.system(), 4242, "Import Shop BV", "importshop", language="en")
Connector.objects.create(company=shop, number=1, name="Exact Online")
actions.create_user(Actor.system(), shop, "bookkeeper", "import-browser-pass-1", role=Role.ADMIN)
"""
ENTRIES = 1500  # 8 chunks of 200: the worker takes a few seconds, long enough to be seen working


def test_import_a_file_watch_the_progress_and_open_the_problems(served_demo, page: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    made = subprocess.run([sys.executable, "-c", SETUP], env=served_demo.env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr[-2000:]
    good = tmp_path / "kasboek-juni.csv"
    good.write_bytes(entries_file(ENTRIES))
    bad = tmp_path / "kasboek-fout.csv"
    bad.write_bytes(entries_file(120, bad_every=2))  # 60 entries with a decimal comma: two pages of problems

    page.goto(served_demo.url("importshop"))
    sign_in(page, "bookkeeper", "import-browser-pass-1")
    page.get_by_role("navigation", name="Main menu").locator("summary", has_text="Journals").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import journals")).to_be_visible()

    page.get_by_label("File").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import of kasboek-juni.csv")).to_be_visible()
    # The page updates itself while the worker reads, checks and stores: note what it shows on the way.
    status = page.locator("#import-status")
    seen: list[str] = []
    progress: list[int] = []
    for _ in range(240):
        seen.append(status.get_by_role("heading").inner_text())
        progress.append(int(status.get_by_role("progressbar").get_attribute("value") or 0))
        if seen[-1] == "Imported":
            break
        page.wait_for_timeout(250)  # the worker is another process: look again, as the reader would
    assert seen[-1] == "Imported", seen
    assert any(s in ("Waiting for the worker", "Checking", "Importing") for s in seen), seen  # seen under way
    assert progress == sorted(progress) and progress[-1] == 100, progress  # it only goes forward
    # The title row counts as a line.
    expect(status.get_by_role("status")).to_contain_text(f"{ENTRIES * 4 + 1} lines, {ENTRIES} entries: {ENTRIES} new")
    status.get_by_role("link", name="See them on the Journals page").click()
    expect(page.get_by_test_id("count-queued")).to_have_text(str(ENTRIES))

    # A file with bad lines imports nothing; its problems are listed by line, fifty to a page.
    page.goto(served_demo.url("importshop", "/journals/import"))
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(status.get_by_role("heading")).to_have_text("Nothing imported", timeout=60000)
    alert = status.get_by_role("alert")
    expect(alert).to_contain_text("The file has 60 problems. Fix them and import the whole file again:")
    problems = alert.get_by_role("list", name="Problems").get_by_role("listitem")
    expect(problems).to_have_count(50)
    expect(problems.first).to_contain_text(re.compile(r"^Line 6: .*12,50 has a decimal comma"))
    pages = alert.get_by_role("navigation", name="Pages of problems")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next").click()
    expect(page.get_by_role("list", name="Problems").get_by_role("listitem")).to_have_count(10)
    expect(page.get_by_role("navigation", name="Pages of problems")).to_contain_text("Page 2 of 2")
