"""The one audit trail: one actor type, closed actions, words stored as codes, rows moved in by migration."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ledgerlink.connectors.events import events_of
from ledgerlink.connectors.models import Connector
from ledgerlink.tenancy import audit, messages
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.choices import ActorKind
from ledgerlink.tenancy.models import AuditEntry
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_an_entry_is_written_only_inside_the_actions_transaction() -> None:
    company = factories.company()
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        audit.record(Actor.system(), AuditAction.COMPANY_CHANGED, company=company)


@pytest.mark.django_db
def test_what_happened_is_stored_as_a_code_and_the_actor_as_kind_and_name() -> None:
    company = factories.company(alias="demo")
    entry = AuditEntry.objects.get(company=company, action=AuditAction.COMPANY_CREATED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM tenancy_auditentry WHERE id = %s", [entry.pk])
        (stored,) = cursor.fetchone()
    assert (json.loads(stored) if isinstance(stored, str) else stored) == {
        "code": messages.COMPANY,
        "params": {"number": 1001},
    }
    assert (entry.actor_kind, entry.actor_label, entry.actor_text) == (ActorKind.SYSTEM, "ledgerlink", "ledgerlink")
    assert str(entry.message) == "Company 1001"
    assert Actor.api_key("ab12cd34").text() == "API key ab12cd34"
    assert Actor.stored("cli", "root").text() == "command line (root)"


@pytest.mark.django_db
def test_a_rows_trail_holds_only_what_is_about_that_row() -> None:
    company = factories.company(licences=("exact_online",))
    admin = factories.user(company)
    with transaction.atomic():
        one = Connector.objects.create(company=company, number=1, name="one")
        two = Connector.objects.create(company=company, number=2, name="two")
        audit.record(Actor.of(admin), AuditAction.CONNECTOR_SAVED, company=company, subject=one)
        audit.record(Actor.of(admin), AuditAction.CONNECTOR_TESTED, company=company, subject=two)
    assert list(events_of(one).values_list("action", flat=True)) == [AuditAction.CONNECTOR_SAVED]
    assert events_of(two).get().actor == admin
    assert audit.trail(company).count() == AuditEntry.objects.filter(company=company).count()


@pytest.mark.django_db(transaction=True)
def test_connector_events_and_old_entries_move_into_the_one_trail() -> None:
    executor = MigrationExecutor(connection)
    old = [("tenancy", "0002_handoff_ticket_hashed"), ("connectors", "0003_messages_and_refresh_safety")]
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    company = apps.get_model("tenancy", "Company").objects.create(number=1001, name="Demo", alias="demo")
    connector = apps.get_model("connectors", "Connector").objects.create(company=company, number=1, name="one")
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    apps.get_model("connectors", "ConnectorEvent").objects.create(
        company=company,
        connector=connector,
        kind="refreshed",
        message="Tokens refreshed",
        actor_label="ledgerlink",
        at=at,
    )
    apps.get_model("tenancy", "AuditEntry").objects.create(
        company=company, actor_label="command line (root)", action="company.created", target="company 1001", at=at
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = AuditEntry.objects.get(action="connector.refreshed")
    assert (moved.subject_type, moved.subject_id, moved.at) == ("connectors.connector", connector.pk, at)
    assert (moved.actor_kind, str(moved.message)) == (ActorKind.SYSTEM, "Tokens refreshed")
    created = AuditEntry.objects.get(action="company.created")
    assert (created.actor_kind, created.actor_label, str(created.message)) == ("cli", "root", "company 1001")
    assert created.actor_text == "command line (root)"
