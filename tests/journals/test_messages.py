"""Journals say what happened as codes with parameters, rendered in the reader's language when read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from ledgerlink.core import clock
from ledgerlink.core.messages import Message, codes
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import AttemptOutcome, JournalStatus
from ledgerlink.journals.intake import JournalIn
from ledgerlink.journals.models import Attempt, Journal
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language
from tests import factories
from tests.support.api import URL, Api, body, tenant

pytestmark = pytest.mark.django_db

UNBALANCED = Message.of(m.UNBALANCED, debit=Decimal("1234.5"), credit=Decimal("1200.00"), difference="34.50")


def failed_journal(api: Api) -> Journal:
    made = api.post(URL, body()).json()
    journal = Journal.objects.get(pk=made["id"])
    Journal.objects.filter(pk=journal.pk).update(status=JournalStatus.FAILED, status_message=UNBALANCED)
    Attempt.objects.create(
        journal=journal,
        started_at=clock.now(),
        outcome=AttemptOutcome.REJECTED,
        http_status=400,
        messages=[
            Message.exact("Financial period is closed: 2024/6").to_json(),
            {**Message.of(m.GL_MISSING, line=2, ledger="8050").to_json(), "field": "ledger_code", "line": 2},
        ],
    )
    return journal


def test_the_api_renders_status_and_attempts_by_accept_language_and_adds_the_code() -> None:
    _company, key = tenant(1001, "alpha")
    journal = failed_journal(Api(key))
    english = Api(key).client.get(f"{URL}/{journal.pk}", headers={**Api(key).headers, "Accept-Language": "en"})
    dutch = Api(key).client.get(f"{URL}/{journal.pk}", headers={**Api(key).headers, "Accept-Language": "nl"})
    for answer, debit in ((english.json(), "debit 1,234.50"), (dutch.json(), "debet 1.234,50")):
        assert answer["status_code"] == "journal.unbalanced"
        assert debit in answer["status_message"]
    [attempt] = english.json()["attempts"]
    exacts, ours = attempt["messages"]
    assert exacts == {
        "code": "exact",
        "message": "Financial period is closed: 2024/6",
        "fix": "",
        "exact": True,
        "field": None,
        "line": None,
    }
    assert ours["code"] == "journal.gl_missing" and not ours["exact"] and ours["line"] == 2
    assert ours["message"] == "Line 2: ledger 8050 has no GL account in Exact." and "mapping page" in ours["fix"]


def test_every_problem_and_every_error_carries_a_code() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    refused = api.post(URL, body(kind="sales")).json()
    assert refused["code"] == "http.422"
    assert [(p["field"], p["code"]) for p in refused["problems"]] == [("kind", "journal.kind_unknown")]
    made = api.post(URL, body()).json()
    not_failed = api.post(f"{URL}/{made['id']}/resend").json()
    assert not_failed["code"] == "journal.not_resendable" and "only failed" in not_failed["detail"]
    assert api.get(f"{URL}/999999").json()["code"] == "http.404"


def test_the_page_shows_ours_with_the_fix_and_exacts_words_as_exacts() -> None:
    company, key = tenant(1001, "alpha")
    journal = failed_journal(Api(key))
    dutch = actions.update_user(Actor.system(), factories.user(company, "admin"), language=Language.NL)
    page = factories.signed_in_client(dutch).get(f"/journals/{journal.pk}/").content.decode()
    assert "debet 1.234,50" in page and "Corrigeer het in de ERP" in page
    assert "Exact meldt:" in page and "<q" in page and "Financial period is closed: 2024/6" in page
    assert "Exact&#x27;s messages" not in page and "Exact's messages" not in page


def test_every_code_of_the_journals_has_words_and_nothing_is_stored_as_a_sentence() -> None:
    ours = [code for code in codes() if code.startswith("journal.")]
    assert len(ours) > 40
    for code in ours:
        assert Message(code, {}).text() and not Message(code, {}).text().startswith(code)


def test_the_request_shape_is_declared_once() -> None:
    schema = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    body_schema = schema["paths"]["/api/v1/journals"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert list(body_schema["properties"]) == list(JournalIn.model_fields)
    assert body_schema["additionalProperties"] is False


@pytest.mark.django_db(transaction=True)
def test_old_english_rows_become_legacy_messages() -> None:
    executor = MigrationExecutor(connection)
    # operations' and closings' migrations build on journals' latest: they go back with it
    before = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("journals", "operations", "closings")
    ]
    before.append(("journals", "0004_vat_ledgers"))
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    company = old.get_model("tenancy", "Company").objects.create(number=1001, name="Old BV")
    connector = old.get_model("connectors", "Connector").objects.create(company=company, number=1, name="Exact")
    journal = old.get_model("journals", "Journal").objects.create(
        company=company,
        connector=connector,
        kind="cash",
        reference="OLD-1",
        date="2024-06-10",
        content_hash="x",
        content={},
        marker="LL-OLD",
        status="failed",
        status_message="Financial period 2024/6 is closed in Exact. Reopen it in Exact, then press Resend.",
        next_attempt_at=clock.now(),
    )
    old.get_model("journals", "Attempt").objects.create(
        journal=journal, started_at=clock.now(), outcome="rejected", messages=["Exact said no", "twice"]
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = Journal.objects.get(reference="OLD-1")
    assert migrated.status_message == Message.legacy(
        "Financial period 2024/6 is closed in Exact. Reopen it in Exact, then press Resend."
    )
    assert migrated.status_message.text().startswith("Financial period 2024/6 is closed")
    assert [Message.from_json(item) for item in migrated.attempts.get().messages] == [
        Message.legacy("Exact said no"),
        Message.legacy("twice"),
    ]
