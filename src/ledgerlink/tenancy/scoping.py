"""Tenant scope in one place: every model that belongs to a company is queried through ``for_company``.

A tenant model declares ``objects = TenantManager()`` (or a queryset subclassing :class:`TenantQuerySet`
with its own methods) and its rows are found with ``Model.objects.for_company(company)``, never with a
raw ``filter(company=…)``, so "only this company's rows" reads the same everywhere and can be searched for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import OuterRef

if TYPE_CHECKING:
    from ledgerlink.tenancy.models import Company

M = TypeVar("M", bound=models.Model)


class TenantQuerySet(models.QuerySet[M]):
    def for_company(self, company: Company | int | OuterRef | None) -> TenantQuerySet[M]:
        """Only the rows of this company (a ``Company``, its primary key, or an outer query's company in a
        subquery; ``None``: rows of no company)."""
        return self.filter(company__isnull=True) if company is None else self.filter(company=company)


class TenantManager(models.Manager[M]):
    """The default manager of a tenant model: every queryset it hands out is a :class:`TenantQuerySet`."""

    def get_queryset(self) -> TenantQuerySet[M]:
        return TenantQuerySet(self.model, using=self._db)

    def all(self) -> TenantQuerySet[M]:
        return self.get_queryset()

    def for_company(self, company: Company | int | OuterRef | None) -> TenantQuerySet[M]:
        return self.get_queryset().for_company(company)
