"""Closings in the menu, and on a journal's page the closing it was built from (a panel: journals knows nothing
of closings)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from ledgerlink.closings.models import ClosingJournal
from ledgerlink.tenancy import current
from ledgerlink.web.registry import MenuItem, registry


def _company_user(request: HttpRequest) -> bool:
    return current.user(request) is not None and current.company(request) is not None


def closing_of_journal(request: HttpRequest, journal: Any) -> str:
    link = ClosingJournal.objects.filter(journal_id=journal.pk).select_related("closing").first()
    if link is None or link.closing.company_id != journal.company_id:
        return ""
    return render_to_string("closings/_journal_panel.html", {"link": link, "closing": link.closing}, request=request)


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Journals"),
            label=gettext_lazy("Day closings"),
            url_name="closing-list",
            visible=_company_user,
            keywords=("closing", "z-report", "dagafsluiting", "kassa", "missing days", "ontbrekende dagen"),
            order=20,
        )
    )
    registry.add_subject_panel("journal", closing_of_journal)
