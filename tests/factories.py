"""Building blocks for tests, made through the same actions the service uses."""

from __future__ import annotations

from datetime import datetime

from django.test import Client

from ledgerlink.connectors.models import Connector
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language, Role
from ledgerlink.tenancy.models import Company, User

PASSWORD = "long-pass-word-1"


def company(
    number: int = 1001,
    name: str = "Demo Retail BV",
    alias: str | None = "demo",
    licences: tuple[str, ...] = (),
    language: str = Language.EN,
) -> Company:
    """A company; English unless the test says otherwise (new companies are Dutch, see test_language.py)."""
    made = actions.create_company(Actor.system(), number, name, alias, language=language)
    for module in licences:
        actions.grant_licence(Actor.system(), made, module)
    return made


def user(of: Company | None, username: str = "admin", role: str = Role.ADMIN, password: str = PASSWORD) -> User:
    return actions.create_user(Actor.system(), of, username, password, role=Role.OPERATOR if of is None else role)


def host(of: Company | None) -> str:
    return f"{of.alias}.localhost" if of is not None and of.alias else "localhost"


def signed_in_client(person: User, on_host: str | None = None) -> Client:
    """A test client with a session on the host where that person works."""
    client = Client(HTTP_HOST=on_host or host(person.company))
    client.force_login(person, backend="ledgerlink.tenancy.backends.CompanyUserBackend")
    return client


def journal_at(
    connector: Connector, reference: str, status: str, accepted: datetime, posted: datetime | None
) -> Journal:
    """A journal as the rollups and charts count it: accepted (``created_at``) and posted at the given times."""
    made = Journal.objects.create(
        company_id=connector.company_id,
        connector=connector,
        kind="cash",
        reference=reference,
        date=accepted.date(),
        content_hash="x",
        content={},
        marker=f"M-{connector.pk}-{reference}"[:24],
        status=status,
        next_attempt_at=accepted,
    )
    Journal.objects.filter(pk=made.pk).update(created_at=accepted, posted_at=posted)
    return made
