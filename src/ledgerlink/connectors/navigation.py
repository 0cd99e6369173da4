"""Connectors in the Extra menu and in Quick search."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.connectors.alias_change import alias_change_notes
from ledgerlink.connectors.models import Connector
from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy import current
from ledgerlink.web.access import is_company_admin
from ledgerlink.web.registry import MenuItem, SearchHit, registry, without_kind


def search_connectors(request: HttpRequest, query: str) -> Iterable[SearchHit]:
    if not is_company_admin(request):
        return
    named = without_kind(query, gettext_lazy("Connector"))  # "koppeling 2", "connector 2"
    match = Q(name__icontains=query) | Q(name__icontains=named)
    if (number := small_int(named)) is not None:
        match |= Q(number=number)
    for connector in Connector.objects.for_company(current.required_company(request)).filter(match)[:8]:
        yield SearchHit(
            kind="connector",
            label=f"{connector.number} {connector.name}",
            url=reverse("connector-detail", args=[connector.number]),
            detail=_("Connector"),
        )


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Extra"),
            label=gettext_lazy("Connectors"),
            url_name="connector-list",
            visible=is_company_admin,
            keywords=("connector", "exact", "oauth", "koppeling", "autoriseren", "administratie"),
            order=30,
        )
    )
    registry.add_search_provider(search_connectors)
    registry.add_alias_notes(alias_change_notes)
