"""A connector's mapping rules (identity by default), as the pure validation wants them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.core.rows import Lookup, param
from ledgerlink.journals import exact_data, messages
from ledgerlink.journals.forms import MappingForm, format_pairs
from ledgerlink.journals.kinds import KINDS, Relation
from ledgerlink.journals.lock_objects import lock_mapping
from ledgerlink.journals.models import ConnectorMapping
from ledgerlink.journals.validation import MappingRules
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction

# The mapping's fields of each kind (its journal, its fallback relation), as kinds.py names them.
KIND_FIELDS = tuple(field for spec in KINDS.values() for field in (spec.journal_field, spec.relation_field) if field)


def mapping_of(connector: Connector) -> ConnectorMapping:
    mapping, _created = ConnectorMapping.objects.get_or_create(connector=connector)
    return mapping


RELATION_CHOICES = 500  # more relations than this: the page asks for a code instead of listing them all


def stored_mapping(connector: Connector) -> ConnectorMapping:
    """The connector's mapping, or the defaults it would get (unsaved): reading creates no row."""
    return ConnectorMapping.objects.filter(connector=connector).first() or ConnectorMapping(connector=connector)


def mapping_form(connector: Connector, data: Mapping[str, Any] | None = None) -> MappingForm:
    """The mapping page's form, and the one validation of a mapping (the page's POST and the API's PUT).

    The journals, relations (customers, suppliers) and fallback accounts to choose from are the connector's
    Exact data as last read (blocked accounts left out); before anything was read, the journals are the
    mapping's own, one per kind (kinds.py)."""
    mapping = stored_mapping(connector)
    exact = exact_data.load(connector)
    journals = [(code, f"{code} {j['description']}") for code, j in sorted(exact.journals.items())] or [
        (code, code) for code in dict.fromkeys(getattr(mapping, spec.journal_field) for spec in KINDS.values())
    ]
    relations: dict[Relation, list[tuple[str, str]] | Mapping[str, Any]] = {}
    for spec in KINDS.values():
        if spec.relation:
            known = exact.relations(spec.relation)
            # A few hundred become a list to choose from; an administration of thousands is asked for a code.
            relations[spec.relation] = (
                [(code, f"{code} {r['name']}") for code, r in sorted(known.items())]
                if len(known) <= RELATION_CHOICES
                else known
            )
    accounts = [(code, f"{code} {a['description']}") for code, a in sorted(exact.gl.items()) if not a["blocked"]]
    return MappingForm(
        data,
        journals=journals,
        relations=relations,
        accounts=accounts,
        initial={
            **{field: getattr(mapping, field) for field in KIND_FIELDS},
            "fallback_sales_gl": mapping.fallback_sales_gl,
            "fallback_vat_gl": mapping.fallback_vat_gl,
            "vat_ledgers": ", ".join(mapping.vat_ledgers),
            "ledger_overrides": format_pairs(mapping.ledger_overrides),
            "vat_overrides": format_pairs(mapping.vat_overrides),
        },
    )


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


# Read for every batch a sender posts: compiled once (core/rows.py).
_MAPPING = Lookup(
    lambda connector: ConnectorMapping.objects.filter(connector_id=connector).order_by()[:1],
    param("connector", 907_001_001),
)


def rules_for(connector: Connector) -> MappingRules:
    return rules_of(_MAPPING.first(connector=connector.pk))


def rules_of(mapping: ConnectorMapping | None) -> MappingRules:
    """A connector's mapping as the rules validation applies (identity when it has none)."""
    if mapping is None:
        return MappingRules()
    per_kind = {field: getattr(mapping, field) for field in KIND_FIELDS}
    return MappingRules(
        **per_kind,
        fallback_sales_gl=mapping.fallback_sales_gl,
        fallback_vat_gl=mapping.fallback_vat_gl,
        vat_ledgers=tuple(mapping.vat_ledgers),
        ledger_overrides=dict(mapping.ledger_overrides),
        vat_overrides=dict(mapping.vat_overrides),
    )
