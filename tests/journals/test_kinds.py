"""The kinds table (journals/kinds.py) is complete: every kind is described, and every name it gives exists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exactlink.resources import Division
from ledgerlink.journals.choices import Kind
from ledgerlink.journals.kinds import KINDS, kind_of
from ledgerlink.journals.models import ConnectorMapping
from ledgerlink.journals.validation import MappingRules


def test_every_kind_is_described_once() -> None:
    assert sorted(KINDS) == sorted(Kind.values)
    assert all(kind_of(kind).kind == kind for kind in Kind.values)


@pytest.mark.parametrize("kind", Kind.values)
def test_a_kinds_names_exist_where_they_are_read(kind: str) -> None:
    spec = KINDS[kind]
    mapping_fields = {field.name for field in ConnectorMapping._meta.get_fields()}
    for name in filter(None, (spec.journal_field, spec.relation_field)):
        assert name in mapping_fields and hasattr(MappingRules(), name)
    assert ConnectorMapping._meta.get_field(spec.journal_field).default == spec.default_journal_code
    assert getattr(MappingRules(), spec.journal_field) == spec.default_journal_code
    division = Division.__init__.__code__.co_names  # the resources a division is given
    assert spec.entries in division and spec.entry_lines in division
    assert bool(spec.relation) == bool(spec.relation_property) == bool(spec.relation_none)


def test_a_negative_invoice_is_a_credit_note() -> None:
    assert [KINDS["invoice"].entry_type(Decimal(n)) for n in ("1", "0", "-0.01")] == [20, 20, 21]
    assert [KINDS["purchase"].entry_type(Decimal(n)) for n in ("1", "-1")] == [30, 31]
    assert KINDS["cash"].entry_type(Decimal(-1)) is None
