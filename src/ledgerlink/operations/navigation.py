"""The operator console in the menu (operators only, on the bare domain)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ledgerlink.web.access import is_operator
from ledgerlink.web.registry import MenuItem, registry

OPERATIONS = gettext_lazy("Operations")


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=OPERATIONS,
            label=gettext_lazy("Connectors of all companies"),
            url_name="operations-console",
            visible=is_operator,
            keywords=("attention", "console", "problems", "aandacht"),
            order=10,
        )
    )
    registry.add_menu_item(
        MenuItem(
            menu=OPERATIONS,
            label=gettext_lazy("Workers"),
            url_name="operations-workers",
            visible=is_operator,
            keywords=("heartbeat", "worker"),
            order=20,
        )
    )
