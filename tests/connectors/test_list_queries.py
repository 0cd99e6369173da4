"""Connectors' list page and a connector's page (with its audit trail) cost a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import transaction

from ledgerlink.connectors import messages
from ledgerlink.connectors.events import record_event
from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.tenancy.audit import Actor, AuditAction
from tests import factories
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_and_admin():  # type: ignore[no-untyped-def]
    company = factories.company(licences=("exact_online",))
    return company, factories.signed_in_client(factories.user(company, "admin"))


def test_connectors_list(company_and_admin) -> None:  # type: ignore[no-untyped-def]
    company, admin = company_and_admin
    assert_constant_queries(
        admin, "/connectors/", lambda n: Connector.objects.create(company=company, number=n, name=f"Exact {n}")
    )


def test_connector_page_with_its_audit_trail(company_and_admin) -> None:  # type: ignore[no-untyped-def]
    company, admin = company_and_admin
    connector = Connector.objects.create(company=company, number=1, name="Exact")
    person = factories.user(company, "kassa", role="user")

    def event(n: int) -> None:
        with transaction.atomic():
            record_event(Actor.of(person), connector, AuditAction.CONNECTOR_SAVED, Message.of(messages.SAVED))

    assert_constant_queries(admin, "/connectors/1/", event)
