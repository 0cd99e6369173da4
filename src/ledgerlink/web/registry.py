"""Menu entries and Quick search providers, registered by the apps in their ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

Visible = Callable[[HttpRequest], bool]


@dataclass(frozen=True)
class MenuItem:
    menu: str | Promise  # top-level menu label (lazy translation), e.g. "Extra"
    label: Any  # lazy translation
    url_name: str
    visible: Visible
    keywords: tuple[str, ...] = ()  # lower case, in English and in Dutch ("dagboek", "koppeling")
    order: int = 100

    def url(self) -> str:
        return reverse(self.url_name)

    def names(self) -> list[str]:
        """What Quick search matches: the label in every language (a Dutch word typed on an English page
        finds the page too) and the keywords."""
        return [*in_every_language(self.label), *self.keywords]


def in_every_language(text: Any) -> list[str]:
    """A lazy translation in each of settings.LANGUAGES, lower case."""
    words = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.append(str(text).lower())
    return words


def without_kind(query: str, *kinds: Any) -> str:
    """The query without a leading kind word ("koppeling 2" → "2"), the kinds given as lazy translations
    and/or plain words; the query as it was when it starts with none of them."""
    words = query.strip()
    lowered = words.lower()
    names = sorted({name for kind in kinds for name in in_every_language(kind)}, key=len, reverse=True)
    for name in names:
        if lowered.startswith(name + " "):
            return words[len(name) :].strip()
    return words


@dataclass(frozen=True)
class SearchHit:
    kind: str
    label: str
    url: str
    detail: str = ""


SearchProvider = Callable[[HttpRequest, str], Iterable[SearchHit]]
# A block another app adds to a page of a lower app (``{% panels "journals" %}``): HTML, or "" for nothing.
Panel = Callable[[HttpRequest], str]
# A block another app adds to the page of one row of a lower app (``{% panels "journal" journal %}``): the
# closing a journal was built from, say. HTML, or "" for nothing.
SubjectPanel = Callable[[HttpRequest, Any], str]
# What breaks when a company's alias (its address) changes: (company, new alias or None, port) -> sentences.
# Apps register one each (connectors: Callback URLs registered at Exact; journals: the ERP's API address).
AliasChangeNotes = Callable[[Any, str | None, str | None], list[str]]


@dataclass
class Registry:
    menu_items: list[MenuItem] = field(default_factory=list)
    providers: list[SearchProvider] = field(default_factory=list)
    panels: dict[str, list[Panel]] = field(default_factory=dict)
    subject_panels: dict[str, list[SubjectPanel]] = field(default_factory=dict)
    alias_notes: list[AliasChangeNotes] = field(default_factory=list)

    def add_panel(self, where: str, panel: Panel) -> None:
        """Show ``panel`` on the pages that render ``{% panels where %}`` (``home``, ``journals``)."""
        if panel not in self.panels.setdefault(where, []):
            self.panels[where].append(panel)

    def add_subject_panel(self, where: str, panel: SubjectPanel) -> None:
        """Show ``panel`` (given the row) on the pages that render ``{% panels where row %}`` (``journal``)."""
        if panel not in self.subject_panels.setdefault(where, []):
            self.subject_panels[where].append(panel)

    def add_alias_notes(self, notes: AliasChangeNotes) -> None:
        if notes not in self.alias_notes:
            self.alias_notes.append(notes)

    def alias_change_notes(self, company: Any, new_alias: str | None, port: str | None) -> list[str]:
        """Everything the apps say must change outside ledgerlink when the company's address changes."""
        return [note for notes in self.alias_notes for note in notes(company, new_alias, port)]

    def add_menu_item(self, item: MenuItem) -> None:
        if all(existing.url_name != item.url_name for existing in self.menu_items):
            self.menu_items.append(item)
            self.menu_items.sort(key=lambda entry: (entry.menu, entry.order, str(entry.label)))

    def add_search_provider(self, provider: SearchProvider) -> None:
        if provider not in self.providers:
            self.providers.append(provider)

    def menus_for(self, request: HttpRequest) -> dict[str, list[MenuItem]]:
        menus: dict[str, list[MenuItem]] = {}
        for item in self.menu_items:
            if item.visible(request):
                menus.setdefault(str(item.menu), []).append(item)  # in the reader's language
        return menus


registry = Registry()


def search(request: HttpRequest, query: str, limit: int = 12) -> list[SearchHit]:
    """Menu pages whose name matches, then whatever the apps' providers find, scoped by them to the user."""
    words = query.strip().lower()
    if not words:
        return []
    hits: list[SearchHit] = []
    for items in registry.menus_for(request).values():
        for item in items:
            if any(words in name for name in item.names()):
                hits.append(SearchHit(kind=str(item.menu), label=str(item.label), url=item.url()))
    for provider in registry.providers:
        hits.extend(provider(request, query.strip()))
        if len(hits) >= limit:
            break
    return hits[:limit]
