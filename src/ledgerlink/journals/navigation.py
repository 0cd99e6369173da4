"""Journals in the menu and in Quick search."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy import current
from ledgerlink.web.registry import MenuItem, SearchHit, in_every_language, registry, without_kind


def _company_user(request: HttpRequest) -> bool:
    return current.user(request) is not None and current.company(request) is not None


def search_journals(request: HttpRequest, query: str) -> Iterable[SearchHit]:
    if not _company_user(request):
        return
    reference = without_kind(query, gettext_lazy("Journal"))  # "boeking Z-2026-1", "journal Z-2026-1"
    match = Q(reference__icontains=query) | Q(reference__icontains=reference)
    # A status by its name in either language ("mislukt", "failed") lists the journals in it.
    wanted = reference.lower()
    statuses = [
        status
        for status in JournalStatus
        if len(wanted) >= 3 and any(wanted in name for name in in_every_language(status.label))
    ]
    if statuses:
        match |= Q(status__in=statuses)
    for journal in Journal.objects.for_company(current.required_company(request)).filter(match).order_by("-date")[:8]:
        yield SearchHit(
            kind="journal",
            label=journal.reference,
            url=reverse("journal-detail", args=[journal.pk]),
            detail=_("Journal · %(s)s") % {"s": journal.get_status_display()},
        )


def register() -> None:
    registry.add_menu_item(
        MenuItem(
            menu=gettext_lazy("Journals"),
            label=gettext_lazy("Journals"),
            url_name="journal-list",
            visible=_company_user,
            keywords=("journal", "posting", "resend", "boeking", "dagboek", "memoriaal", "opnieuw versturen"),
            order=10,
        )
    )
    registry.add_search_provider(search_journals)
