"""The operator console in the menu (operators only, on the bare domain), and the dashboard (operators
under Operations, a company's admins under Journals)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ledgerlink.web.access import is_company_admin, is_operator
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
    registry.add_menu_item(
        MenuItem(
            menu=OPERATIONS,
            label=gettext_lazy("Dashboard"),
            url_name="operations-dashboard",
            visible=is_operator,
            keywords=("charts", "graphs", "latency", "calls", "grafieken"),
            order=15,
        )
    )
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Journals"),
            label=gettext_lazy("Dashboard"),
            url_name="dashboard",
            visible=is_company_admin,
            keywords=("charts", "graphs", "latency", "calls", "grafieken"),
            order=50,
        )
    )
