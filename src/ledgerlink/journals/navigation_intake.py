"""Intake's menu entries: Extra → API keys and Journals → Import (company admins), also in Quick search."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ledgerlink.web.access import is_company_admin
from ledgerlink.web.registry import MenuItem, registry


def register() -> None:
    registry.add_menu_item(MenuItem(menu=gettext_lazy("Extra"), label=gettext_lazy("API keys"),
                                    url_name="apikey-list", visible=is_company_admin,
                                    keywords=("api", "key", "token", "rest", "bearer"), order=40))
    registry.add_menu_item(MenuItem(menu=gettext_lazy("Journals"), label=gettext_lazy("Import"),
                                    url_name="journal-import", visible=is_company_admin,
                                    keywords=("import", "file", "csv", "retailvista", "journal"), order=50))
