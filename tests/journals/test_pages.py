"""The Journals pages: list with counts and filters, detail with mapped lines, resends, the mapping page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledgerlink.core import clock
from ledgerlink.journals.actions import resend
from ledgerlink.journals.models import ConnectorMapping, Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import AuditEntry
from tests import factories
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_list_counts_filters_and_pages(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    for n in range(55):
        submit(setup.company, cash_journal(f"L-{n:02d}", day - timedelta(days=n % 3)))
    page = setup.client.get("/journals/").content.decode()
    assert 'data-testid="count-queued">55<' in page and "Page 1 of 2" in page
    filtered = setup.client.get("/journals/", {"date_from": day.isoformat()}).content.decode()
    assert 'data-testid="count-queued">19<' in filtered
    assert setup.client.get("/journals/", {"status": "posted"}).content.decode().count("/journals/") > 0


def test_detail_shows_mapped_lines_attempts_and_entry_number(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("D-1", clocks.now().date()))
    post_due(clock.now())
    journal.refresh_from_db()
    page = setup.client.get(f"/journals/{journal.pk}/").content.decode()
    assert "Posted" in page and journal.exact_entry_number in page
    assert "<td>8000</td>" in page and "Omzet hoog" in page
    assert "201" in page  # the attempt's HTTP status


def test_fix_the_mapping_then_resend(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    submit(setup.company, cash_journal("WARM", day))
    post_due(clock.now())
    ConnectorMapping.objects.create(connector=connected, ledger_overrides={"8000": "8050"})
    journal = submit(setup.company, cash_journal("M-1", day))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed" and "mapped to 8050" in journal.status_message.text()
    form = setup.client.get("/journals/mapping/1/").content.decode()
    assert "8050 = 8000" not in form and "8000 = 8050" in form
    saved = setup.client.post(
        "/journals/mapping/1/",
        {
            "cash_journal_code": "90",
            "invoice_journal_code": "70",
            "purchase_journal_code": "60",
            "walk_in_customer_code": "1",
            "fallback_sales_gl": "",
            "fallback_vat_gl": "",
            "ledger_overrides": "",
            "vat_overrides": "",
        },
    )
    assert saved.status_code == 302
    assert setup.client.post(f"/journals/{journal.pk}/resend").status_code == 302
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "posted"


def test_resend_failed_with_progress(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    mapping = ConnectorMapping.objects.create(connector=connected, ledger_overrides={"8000": "8050"})
    for n in range(3):
        submit(setup.company, cash_journal(f"R-{n}", day))
    post_due(clock.now())
    assert Journal.objects.filter(status="failed").count() == 3
    mapping.ledger_overrides = {}
    mapping.save()
    response = setup.client.post("/journals/resend-failed")
    assert response.status_code == 302 and "progress=1" in response["Location"]
    progress = setup.client.get("/journals/progress").content.decode()
    assert "0 of 3 done" in progress and 'hx-trigger="every 1s"' in progress
    post_due(clock.now())
    progress = setup.client.get("/journals/progress").content.decode()
    assert "3 of 3 done (3 posted, 0 failed)" in progress and "every 1s" not in progress


def test_mapping_page_refuses_bad_override_lines(setup, connected) -> None:  # type: ignore[no-untyped-def]
    response = setup.client.post(
        "/journals/mapping/1/",
        {
            "cash_journal_code": "90",
            "invoice_journal_code": "70",
            "purchase_journal_code": "60",
            "ledger_overrides": "8050 8000",
        },
    )
    assert "write “ERP code = Exact code”" in response.content.decode()


def test_refresh_from_exact_reads_exact_data(setup, connected) -> None:  # type: ignore[no-untyped-def]
    response = setup.client.post("/journals/mapping/1/", {"refresh": "1"}, follow=True)
    text = response.content.decode()
    assert "Exact data read from Exact." in text and "GL accounts" in text
    assert "90 Memoriaal" in text and "1 Kassaklant" in text
    assert "VAT codes in Exact" in text and "Btw hoog 21% excl." in text


def test_other_company_sees_none_of_it(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    journal = submit(setup.company, cash_journal("SECRET", clocks.now().date()))
    other = factories.company(1002, "Other BV", "other", licences=("exact_online",))
    client = factories.signed_in_client(factories.user(other, "admin"))
    assert client.get(f"/journals/{journal.pk}/").status_code == 404
    assert "SECRET" not in client.get("/journals/").content.decode()
    assert client.post(f"/journals/{journal.pk}/resend").status_code == 404
    assert client.get("/journals/mapping/1/").status_code == 404
    assert "SECRET" not in client.get("/search", {"q": "SECRET"}).content.decode()
    assert "SECRET" in setup.client.get("/search", {"q": "SECRET"}).content.decode()


def test_resend_and_mapping_changes_write_audit_rows(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    ConnectorMapping.objects.create(connector=connected, ledger_overrides={"8000": "8050"})
    journal = submit(setup.company, cash_journal("AUDIT", clocks.now().date()))
    post_due(clock.now())
    setup.client.post(
        "/journals/mapping/1/",
        {
            "cash_journal_code": "90",
            "invoice_journal_code": "70",
            "purchase_journal_code": "60",
            "ledger_overrides": "",
        },
    )
    setup.client.post(f"/journals/{journal.pk}/resend")
    actions = list(AuditEntry.objects.filter(company=setup.company).values_list("action", "actor_label"))
    assert ("mapping.changed", "admin (1001)") in actions and ("journal.resent", "admin (1001)") in actions
    assert not resend(
        Journal.objects.get(pk=journal.pk), Actor.system()
    )  # queued now: nothing to resend, nothing recorded
