"""Tenant scope in one place: every model with a company has the company-scoped manager and is used through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy.models import Company, User
from ledgerlink.tenancy.scoping import TenantManager, TenantQuerySet
from tests import factories

SRC = Path(__file__).resolve().parents[2] / "src" / "ledgerlink"


def test_every_model_with_a_company_is_queried_through_the_tenant_manager() -> None:
    tenant_models = [
        model
        for model in apps.get_app_configs()
        for model in model.get_models()
        if any(field.name == "company" and field.related_model is Company for field in model._meta.fields)
    ]
    assert {m.__name__ for m in tenant_models} >= {"ApiKey", "Licence", "AuditEntry", "Connector", "Journal", "User"}
    assert [m.__name__ for m in tenant_models if not isinstance(m._default_manager, TenantManager)] == []


def test_no_raw_company_filters_outside_the_scoping_module() -> None:
    raw = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and path.name != "scoping.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.(filter|exclude|get)\([^)]*\bcompany(_id)?=", line)
    ]
    assert raw == []


@pytest.mark.django_db
def test_for_company_keeps_each_companys_rows_apart() -> None:
    one, two = factories.company(1001, alias="one"), factories.company(1002, alias="two")
    factories.user(one, "ann"), factories.user(two, "bob"), factories.user(None, "op")
    assert list(User.objects.for_company(one).values_list("username", flat=True)) == ["ann"]
    assert list(User.objects.for_company(two.pk).values_list("username", flat=True)) == ["bob"]
    assert list(User.objects.for_company(None).values_list("username", flat=True)) == ["op"]
    scoped = ApiKey.objects.all().select_related("company").for_company(one)
    assert isinstance(scoped, TenantQuerySet) and scoped.count() == 0
