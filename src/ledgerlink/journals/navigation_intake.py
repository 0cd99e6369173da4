"""Intake's menu entries: Extra → API keys and Journals → Import (company admins), also in Quick search."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy import current
from ledgerlink.web.access import is_company_admin
from ledgerlink.web.registry import MenuItem, SearchHit, registry


def search_api_keys(request: HttpRequest, query: str) -> Iterable[SearchHit]:
    """Keys by name or by the prefix someone read in a log or a config file (never by the secret)."""
    if not is_company_admin(request):
        return
    keys = ApiKey.objects.for_company(current.required_company(request))
    for key in keys.filter(Q(name__icontains=query) | Q(prefix__istartswith=query.removeprefix("llk_")[:8]))[:5]:
        state = _("revoked") if key.revoked_at else _("API key")
        yield SearchHit(kind="apikey", label=f"llk_{key.prefix}_… {key.name}", url=reverse("apikey-list"), detail=state)


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Extra"),
            label=gettext_lazy("API keys"),
            url_name="apikey-list",
            visible=is_company_admin,
            keywords=("api", "key", "token", "rest", "bearer", "sleutel"),
            order=40,
        )
    )
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Journals"),
            label=gettext_lazy("Import"),
            url_name="journal-import",
            visible=is_company_admin,
            keywords=(
                "import",
                "file",
                "csv",
                "retailvista",
                "journal",
                "importeren",
                "bestand",
                "kasjournaal",
                "boeking",
            ),
            order=50,
        )
    )
    registry.add_search_provider(search_api_keys)
