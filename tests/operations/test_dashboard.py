"""The dashboard: charts drawn from the worker's daily rollups, whose figures are the database's; operators see
every company, a company admin their own and never another's."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from exactlink import Governor, RateLimitState, Window
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector, RateLimitRecord
from ledgerlink.connectors.ratelimits import to_json
from ledgerlink.core import clock
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.operations.attention import rank
from ledgerlink.operations.summary import summarize
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday() -> Iterator[None]:
    """Noon UTC: "two days ago, an hour before now" is one day, whatever time the suite runs."""
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False):
        yield


MARK = re.compile(r'data-day="([\d-]+)" data-series="(\w+)" data-value="([\d.]+)"')


def figures(page: str, testid: str) -> dict[str, dict[str, float]]:
    """{series: {day: value}} of one chart on the page."""
    chart = page.split(f'data-testid="{testid}"', 1)[1].split("</svg>", 1)[0]
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for day, series, value in MARK.findall(chart):
        found[series][day] = float(value)
    return found


def journals(connector: Connector, status: str, n: int, *, days_ago: int, latencies: list[int] | None = None) -> None:
    now = clock.now()
    for i in range(n):
        accepted = now - timedelta(days=days_ago, hours=1)
        posted_at = accepted + timedelta(seconds=latencies[i]) if latencies else None
        factories.journal_at(connector, f"{connector.pk}-{status}-{days_ago}-{i}", status, accepted, posted_at)


def company_with_data(number: int, alias: str, client_id: str, division: int, used: int, posted: list[int]):  # type: ignore[no-untyped-def]
    company = factories.company(number, f"Company {number}", alias)
    admin = factories.user(company, "admin")
    connector = Connector.objects.create(
        company=company, number=1, name="Exact", status=Status.CONNECTED, client_id=client_id, division=division
    )
    journals(connector, JournalStatus.POSTED, len(posted), days_ago=2, latencies=posted)
    journals(connector, JournalStatus.FAILED, 1, days_ago=2)
    journals(connector, JournalStatus.QUEUED, 2, days_ago=0)
    reset_ms = int(
        (clock.now().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).timestamp() * 1000
    )
    state = RateLimitState(daily=Window(5000, 5000 - used, reset_ms))
    RateLimitRecord.objects.create(key=Governor.key(client_id, division), state=to_json(state))
    return admin


def test_the_charts_show_the_databases_figures_and_a_company_admin_only_their_own() -> None:
    mine = company_with_data(1001, "demo", "app-a", 7001, used=123, posted=[60, 120, 300])
    company_with_data(1002, "other", "app-b", 8001, used=1000, posted=[10, 20, 30, 40, 50, 60, 70])
    now = clock.now()
    summarize(now)  # the worker's round keeps the rollups
    rank(now)
    two_days_ago = (now - timedelta(days=2)).date().isoformat()
    today = now.date().isoformat()

    operator = factories.user(None, "ops")
    page = factories.signed_in_client(operator, on_host="localhost").get("/operations/dashboard/").content.decode()
    per_status = figures(page, "chart-journals")
    assert per_status["posted"] == {two_days_ago: 10} and per_status["failed"] == {two_days_ago: 2}
    assert per_status["queued"] == {today: 4}
    for status, count in per_status.items():  # every bar is the database's count
        for day, value in count.items():
            assert value == Journal.objects.filter(status=status, created_at__date=day).count()
    assert figures(page, "chart-calls-8001")["calls"] == {today: 1000}
    assert figures(page, "chart-calls-7001")["limit"] == {today: 5000}
    latency = figures(page, "chart-latency")
    assert latency["average"] == {two_days_ago: (60 + 120 + 300 + 280) // 10}
    assert latency["longest"] == {two_days_ago: 300}

    client = factories.signed_in_client(mine)  # on the company's own host
    for url in ("/dashboard/", "/dashboard/?company=1002"):
        own = client.get(url).content.decode()
        assert figures(own, "chart-journals")["posted"] == {two_days_ago: 3}, url
        assert figures(own, "chart-calls-7001")["calls"] == {today: 123}, url
        assert 'data-testid="chart-calls-8001"' not in own and "Company 1002" not in own, url
        assert figures(own, "chart-latency")["average"] == {two_days_ago: 160}, url
    other_host = factories.host(factories.Company.objects.get(number=1002))
    assert factories.signed_in_client(mine, on_host=other_host).get("/dashboard/").status_code in (302, 403, 404)


def test_the_dashboard_is_in_the_menu_of_operators_and_company_admins() -> None:
    company = factories.company()
    admin = factories.user(company, "admin")
    assert 'href="/dashboard/"' in factories.signed_in_client(admin).get("/").content.decode()
    operator = factories.user(None, "ops")
    home = factories.signed_in_client(operator, on_host="localhost").get("/").content.decode()
    assert 'href="/operations/dashboard/"' in home
    assert factories.signed_in_client(operator, on_host="localhost").get("/operations/dashboard/").status_code == 200


def test_a_days_label_is_in_the_readers_language() -> None:
    from datetime import date

    from django.utils import translation

    from ledgerlink.operations.charts import day_label

    with translation.override("nl"):
        assert day_label(date(2026, 11, 1)) == "1 nov"
        assert day_label(date(2026, 3, 9)) == "9 mrt"
    with translation.override("en"):
        assert day_label(date(2026, 11, 1)) == "1 Nov"
