"""What journals lock, by name (core/locks.py: inside a transaction only, in primary-key order)."""

from __future__ import annotations

from django.db.models import QuerySet

from ledgerlink.connectors.models import Connector
from ledgerlink.core.locks import lock_first
from ledgerlink.journals.choices import ExactDataKind
from ledgerlink.journals.models import ApiKey, ConnectorMapping, ExactDataSnapshot, ImportJob
from ledgerlink.tenancy.models import Company


def lock_api_key(company: Company, prefix: str) -> ApiKey | None:
    return lock_first(ApiKey.objects.for_company(company).filter(prefix=prefix))


def lock_mapping(connector: Connector) -> ConnectorMapping:
    """The connector's mapping, locked; made (identity) when it has none yet."""
    ConnectorMapping.objects.get_or_create(connector=connector)
    mapping = lock_first(ConnectorMapping.objects.filter(connector=connector))
    assert mapping is not None  # made above, and mappings are deleted only with their connector
    return mapping


def lock_snapshot(connector: Connector, kind: ExactDataKind) -> ExactDataSnapshot | None:
    return lock_first(ExactDataSnapshot.objects.filter(connector=connector, kind=kind))


def lock_import_job(due: QuerySet[ImportJob]) -> ImportJob | None:
    """The first due import no other worker holds (an import runs for minutes: nobody waits for it)."""
    return lock_first(due, skip_locked=True)
