"""A connector's mapping rules (identity by default), as the pure validation wants them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.journals import messages
from ledgerlink.journals.lock_objects import lock_mapping
from ledgerlink.journals.models import ConnectorMapping
from ledgerlink.journals.validation import MappingRules
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction


def mapping_of(connector: Connector) -> ConnectorMapping:
    mapping, _created = ConnectorMapping.objects.get_or_create(connector=connector)
    return mapping


def save_mapping(actor: Actor, connector: Connector, values: dict[str, Any]) -> ConnectorMapping:
    """Change the mapping and record who changed what, in one transaction."""
    with transaction.atomic(durable=True):
        mapping = lock_mapping(connector)
        before = {field: getattr(mapping, field) for field in values}
        for field, value in values.items():
            setattr(mapping, field, value)
        mapping.save()
        changes = audit.diff(before, values)
        if changes:
            audit.record(
                actor,
                AuditAction.MAPPING_CHANGED,
                company=connector.company,
                subject=connector,
                message=Message.of(messages.MAPPING, number=connector.number),
                changes=changes,
            )
    return mapping


def rules_for(connector: Connector) -> MappingRules:
    mapping = ConnectorMapping.objects.filter(connector=connector).first()
    if mapping is None:
        return MappingRules()
    return MappingRules(
        cash_journal_code=mapping.cash_journal_code,
        invoice_journal_code=mapping.invoice_journal_code,
        walk_in_customer_code=mapping.walk_in_customer_code,
        fallback_sales_gl=mapping.fallback_sales_gl,
        fallback_vat_gl=mapping.fallback_vat_gl,
        vat_ledgers=tuple(mapping.vat_ledgers),
        ledger_overrides=dict(mapping.ledger_overrides),
        vat_overrides=dict(mapping.vat_overrides),
    )
