"""``{% panels "journals" %}``: what other apps add to a page (web/registry.py ``add_panel``); with a row,
``{% panels "journal" journal %}``, what they add to that row's page (``add_subject_panel``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ledgerlink.web.registry import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], where: str, subject: Any = None) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    if subject is not None:
        found = registry.subject_panels.get(where, [])
        return mark_safe("".join(panel(request, subject) for panel in found))  # noqa: S308
    # Each panel renders its own template (escaped there); joined here as the HTML it already is.
    return mark_safe("".join(panel(request) for panel in registry.panels.get(where, [])))  # noqa: S308
