"""``/metrics``: Prometheus text that parses, whose journal counts are the database's; bearer token; bare domain."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from ledgerlink.core import clock, metrics
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due
from ledgerlink.operations.summary import summarize
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def scrape(client: Client | None = None, **headers: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = (client or Client(HTTP_HOST="localhost")).get("/metrics", **headers)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain")
    found: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_journal_counts_equal_the_databases(setup, connected, clocks, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    day = clocks.now().date()
    for n in range(4):
        submit(setup.company, cash_journal(f"M-{n}", day))
    with django_capture_on_commit_callbacks(execute=True):  # the latency is observed once the posting commits
        post_due(clocks.now())
    submit(setup.company, cash_journal("M-queued", day))
    summarize(clock.now())
    found = scrape()
    for status in JournalStatus.values:
        assert found["ledgerlink_journals"][(("status", status),)] == Journal.objects.filter(status=status).count()
    assert found["ledgerlink_connectors"][(("status", "connected"),)] == 1
    assert found["ledgerlink_worker_heartbeat_age_seconds"][()] == -1  # no worker ever ran here
    posts = found["ledgerlink_exact_calls_total"][
        (("endpoint", "generaljournalentry/GeneralJournalEntries"), ("status", "201"))
    ]
    assert posts >= 4
    assert found["ledgerlink_exact_token_calls_total"][(("grant", "authorization_code"), ("outcome", "ok"))] >= 1
    assert found["ledgerlink_journal_posting_latency_seconds_count"][()] >= 4


def test_a_token_is_required_when_set() -> None:
    with override_settings(LEDGERLINK_METRICS_TOKEN="s3cret-token-for-prometheus"):
        client = Client(HTTP_HOST="localhost")
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        assert "ledgerlink_journals" in scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus")


def test_not_on_a_company_address() -> None:
    from tests import factories

    factories.company()
    assert Client(HTTP_HOST="demo.localhost").get("/metrics").status_code == 404


@pytest.mark.parametrize(
    ("path", "group"),
    [
        (
            "/api/v1/7001/financialtransaction/GeneralJournalEntries(guid'1')",
            "financialtransaction/GeneralJournalEntries",
        ),
        ("/api/v1/current/Me", "current/Me"),
        ("/api/oauth2/token", "oauth2/token"),
        ("/api/v1/7001/", "other"),
        ("/somewhere/else", "other"),
    ],
)
def test_endpoint_groups_are_bounded(path: str, group: str) -> None:
    assert metrics.endpoint_group(path) == group
