"""A connector's closing mapping: stored with working defaults, resolved against Exact's data for the builder."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from ledgerlink.closings import builder
from ledgerlink.closings import messages as m
from ledgerlink.closings.models import ClosingMapping
from ledgerlink.connectors.models import Connector
from ledgerlink.core.locks import lock_first
from ledgerlink.core.messages import Message
from ledgerlink.journals.exact_data import ExactData
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction

ACCOUNTS = (
    "fallback_method",
    "gift_cards_sold",
    "deposits",
    "till_expenses",
    "safe",
    "bank",
    "cash_difference",
    "rounding",
)


def mapping_of(connector: Connector) -> ClosingMapping:
    """The connector's closing mapping; the standard Dutch chart's defaults when it has none yet."""
    mapping, _created = ClosingMapping.objects.get_or_create(connector=connector)
    return mapping


def resolved(mapping: ClosingMapping, exact: ExactData) -> builder.ClosingMapping:
    """The mapping as the builder takes it: each VAT rate's code with its type and percentage from Exact's data
    (a code Exact does not have keeps an empty type, and the builder names it)."""
    rates = {}
    for rate, target in (mapping.rates or {}).items():
        gl = str(target.get("gl") or "")
        code = str(target.get("vat_code") or "")
        vat = exact.vat.get(code) if code else None
        rates[rate] = builder.RateTarget(
            gl=gl,
            vat_code=code,
            vat_type=str(vat["type"]) if vat else "",
            percentage=Decimal(str(vat["percentage"])) if vat else Decimal(0),
        )
    return builder.ClosingMapping(
        rates=rates,
        methods={method: str(gl) for method, gl in (mapping.methods or {}).items() if gl},
        **{name: getattr(mapping, name) for name in ACCOUNTS},
    )


def save_mapping(actor: Actor, connector: Connector, values: dict[str, Any]) -> ClosingMapping:
    """Change the closing mapping and record who changed what, in one transaction."""
    with transaction.atomic(durable=True):
        mapping_of(connector)
        mapping = lock_first(ClosingMapping.objects.filter(connector=connector))
        assert mapping is not None  # made above; deleted only with its connector
        before = {name: getattr(mapping, name) for name in values}
        for name, value in values.items():
            setattr(mapping, name, value)
        mapping.save()
        changes = audit.diff(before, values)
        if changes:
            audit.record(
                actor,
                AuditAction.MAPPING_CHANGED,
                company=connector.company,
                subject=connector,
                message=Message.of(m.MAPPING, number=connector.number),
                changes=changes,
            )
    return mapping


def map_method(actor: Actor, connector: Connector, method: str, gl: str) -> ClosingMapping:
    """Give one payment method its account (the closing form's "map it" answer)."""
    methods = dict(mapping_of(connector).methods or {})
    methods[method] = gl
    return save_mapping(actor, connector, {"methods": methods})
