"""The operator console: every company's connectors, "needs attention" first, a constant number of queries."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.operations.models import ConnectorSummary
from ledgerlink.tenancy.models import Company
from tests import factories

pytestmark = pytest.mark.django_db


def worker_round() -> None:
    """What the worker's round does for the console: the summary, then the ranking (attention.py)."""
    from ledgerlink.operations.attention import rank
    from ledgerlink.operations.summary import summarize

    summarize(clock.now())
    rank(clock.now())


def operator_client():  # type: ignore[no-untyped-def]
    return factories.signed_in_client(factories.user(None, "ops"), on_host="localhost")


def bulk_companies(first: int, count: int) -> None:
    """Many companies with one connector each and a summary, made in a few statements (not through actions)."""
    now = clock.now()
    companies = Company.objects.bulk_create(
        [Company(number=n, name=f"Retailer {n}", alias=f"r{n}") for n in range(first, first + count)]
    )
    connectors = Connector.objects.bulk_create(
        [
            Connector(company=c, number=1, name="Exact", status=Status.CONNECTED, tokens_issued_at=now, division=7001)
            for c in companies
        ]
    )
    ConnectorSummary.objects.bulk_create(
        [ConnectorSummary(connector=c, company_id=c.company_id, posted=100, refreshed_at=now) for c in connectors]
    )


def reauth_company(number: int = 90001) -> Connector:
    company = factories.company(number, "Needs Help BV", "needshelp")
    return Connector.objects.create(
        company=company, number=3, name="Exact", status=Status.REAUTH_REQUIRED, division=7002
    )


def test_only_operators_open_it() -> None:
    company = factories.company()
    admin = factories.user(company, "admin")
    assert factories.signed_in_client(admin).get("/operations/").status_code == 403
    assert operator_client().get("/operations/").status_code == 200


def test_needs_attention_comes_first_with_its_reason() -> None:
    bulk_companies(1000, 60)
    helped = reauth_company()
    worker_round()
    client = operator_client()
    page = client.get("/operations/").content.decode()
    first_row = page.split('data-testid="console-row"')[1]
    assert 'data-company="90001"' in first_row and "Reauthorization required" in first_row
    only = client.get("/operations/", {"attention": "1"}).content.decode()
    assert only.count('data-testid="console-row"') == 1
    found = client.get("/operations/", {"q": "needshelp"}).content.decode()
    assert found.count('data-testid="console-row"') == 1
    detail = client.get(f"/operations/connectors/{helped.pk}/").content.decode()
    assert "Needs Help BV" in detail and 'data-testid="connector-reasons"' in detail


def test_other_reasons_for_attention() -> None:
    now = clock.now()
    company = factories.company(5001, "Quiet BV", "quiet")
    factories.user(company, "noemail")  # an admin without an e-mail address
    old = Connector.objects.create(
        company=company, number=1, name="Old", status=Status.CONNECTED, tokens_issued_at=now - timedelta(days=25)
    )
    ConnectorSummary.objects.create(
        connector=old, company=company, queued=2, failed=1, oldest_queued_at=now - timedelta(hours=3), refreshed_at=now
    )
    from ledgerlink.operations.attention import rank

    rank(now)  # the summary above stands for the worker's count; the ranking is the worker's too
    page = operator_client().get("/operations/", {"attention": "1"}).content.decode()
    for reason in ("expires in 5 days", "1 failed journal", "queued for more than 3 hours", "no e-mail address"):
        assert reason in page, reason


def test_no_worker_is_said_on_the_console() -> None:
    client = operator_client()
    assert 'data-testid="console-no-worker"' in client.get("/operations/").content.decode()
    now = clock.now()
    WorkerHeartbeat.objects.create(name="h:1", host="h", pid=1, started_at=now, seen_at=now)
    assert 'data-testid="console-no-worker"' not in client.get("/operations/").content.decode()
    assert 'data-testid="worker-row"' in client.get("/operations/workers/").content.decode()


def _queries_and_ms(client, url: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    client.get(url)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200
    return len(captured.captured_queries), elapsed


@pytest.mark.parametrize("url", ["/operations/", "/operations/?attention=1", "/operations/?sort=failed&q=Retailer"])
def test_query_count_is_the_same_at_10_and_at_1000_companies(url: str) -> None:
    reauth_company()
    client = operator_client()
    bulk_companies(1000, 10)
    worker_round()
    at_10, ms_10 = _queries_and_ms(client, url)
    bulk_companies(2000, 990)
    worker_round()
    at_1000, ms_1000 = _queries_and_ms(client, url)
    print(f"\n{url}: {at_10} queries at 10 companies ({ms_10:.0f} ms), {at_1000} at 1,000 ({ms_1000:.0f} ms)")
    assert at_1000 == at_10


def test_operator_resends_a_connectors_failed_journals(setup, connected, clocks) -> None:  # type: ignore[no-untyped-def]
    from tests.support.journals import cash_journal, submit

    journal = submit(setup.company, cash_journal("F-1", clocks.now().date()))
    Journal.objects.filter(pk=journal.pk).update(status=JournalStatus.FAILED)
    client = operator_client()
    response = client.post(f"/operations/connectors/{connected.pk}/resend-failed")
    assert response.status_code == 302
    journal.refresh_from_db()
    assert journal.status == JournalStatus.QUEUED


def test_an_error_budget_nearly_spent_needs_attention() -> None:
    """Exact blocks an endpoint for an hour after its error budget (ADR 0009): a connector close to that is in
    the "needs attention" filter and ranked above the quiet ones, once the worker has read the governor's log."""
    from exactlink import ErrorLog, Governor, RateLimitState
    from ledgerlink.connectors.budgets import error_budget
    from ledgerlink.connectors.models import RateLimitRecord
    from ledgerlink.connectors.ratelimits import app_of, to_json
    from ledgerlink.core.worker import run_once

    bulk_companies(1000, 30)
    company = factories.company(6001, "Almost Blocked BV", "blocked")
    connector = Connector.objects.create(
        company=company,
        number=1,
        name="Exact",
        status=Status.CONNECTED,
        client_id="app-1",
        tokens_issued_at=clock.now(),
        division=7005,
    )
    now_ms = int(clock.now().timestamp() * 1000)
    times = tuple(now_ms - 60_000 * n for n in range(error_budget() - 1))
    state = RateLimitState(errors=(ErrorLog("financial/GLAccounts", times, ("",) * len(times)),))
    RateLimitRecord.objects.create(key=Governor.key(app_of(connector), 7005), state=to_json(state))
    run_once()  # the worker's round: the summary and the attention job
    client = operator_client()
    only = client.get("/operations/", {"attention": "1"}).content.decode()
    assert only.count('data-testid="console-row"') == 1
    assert 'data-company="6001"' in only and "Error budget nearly spent" in only
    first_row = client.get("/operations/").content.decode().split('data-testid="console-row"')[1]
    assert 'data-company="6001"' in first_row
    assert ConnectorSummary.objects.get(connector=connector).errors_hour == error_budget() - 1
    from ledgerlink.operations.attention import rank

    rank(clock.now() + timedelta(hours=1, minutes=1))  # the hour has passed: the budget is whole again
    assert ConnectorSummary.objects.get(connector=connector).errors_hour == 0
