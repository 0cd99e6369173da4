"""Tenancy's entries in the Extra menu and its Quick search provider."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy import current
from ledgerlink.tenancy.models import Company, User
from ledgerlink.web.access import is_company_admin, is_operator
from ledgerlink.web.registry import MenuItem, SearchHit, registry

EXTRA = gettext_lazy("Extra")


def _admin_or_operator(request: HttpRequest) -> bool:
    return is_operator(request) or is_company_admin(request)


def search_records(request: HttpRequest, query: str) -> Iterable[SearchHit]:
    if is_operator(request):
        match = Q(name__icontains=query) | Q(alias__icontains=query)
        if (number := small_int(query)) is not None:
            match |= Q(number=number)
        for company in Company.objects.filter(match)[:8]:
            yield SearchHit(
                kind="company",
                label=f"{company.number} {company.name}",
                url=reverse("company-detail", args=[company.number]),
                detail=_("Company"),
            )
    elif is_company_admin(request):
        company = current.required_company(request)
        if query.lower() in company.name.lower() or query == str(company.number):
            yield SearchHit(
                kind="company",
                label=f"{company.number} {company.name}",
                url=reverse("company-detail", args=[company.number]),
                detail=_("Company"),
            )
        for user in User.objects.for_company(company).filter(
            Q(username__icontains=query) | Q(full_name__icontains=query)
        )[:8]:
            yield SearchHit(
                kind="user", label=user.username, url=reverse("user-detail", args=[user.pk]), detail=_("User")
            )


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=EXTRA,
            label=gettext_lazy("Companies"),
            url_name="company-list",
            visible=_admin_or_operator,
            keywords=("company", "alias", "licence", "bedrijf", "licentie"),
            order=10,
        )
    )
    registry.add_menu_item(
        MenuItem(
            menu=EXTRA,
            label=gettext_lazy("Users"),
            url_name="user-list",
            visible=_admin_or_operator,
            keywords=("user", "password", "gebruiker", "wachtwoord", "beheerder"),
            order=20,
        )
    )
    registry.add_search_provider(search_records)
