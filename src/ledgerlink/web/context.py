"""Template context for every page: the menus the user may see."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ledgerlink.web.registry import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "menus": registry.menus_for(request) if signed_in else {},
        # Pages seen before signing in (the login page above all) never name a company.
        "current_company": getattr(request, "company", None) if signed_in else None,
        "base_domain": settings.LEDGERLINK_BASE_DOMAIN,
    }
