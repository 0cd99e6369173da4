"""``{% panels "journals" %}``: what other apps add to a page (web/registry.py ``add_panel``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ledgerlink.web.registry import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], where: str) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    # Each panel renders its own template (escaped there); joined here as the HTML it already is.
    return mark_safe("".join(panel(request) for panel in registry.panels.get(where, [])))  # noqa: S308
