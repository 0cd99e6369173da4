"""Webhooks in the Extra menu (admins)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ledgerlink.web.access import is_company_admin
from ledgerlink.web.registry import MenuItem, registry


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Extra"),
            label=gettext_lazy("Webhooks"),
            url_name="webhook-list",
            visible=is_company_admin,
            keywords=("webhook", "webhooks", "endpoint", "callback", "events", "gebeurtenissen"),
            order=45,
        )
    )
