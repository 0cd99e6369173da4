"""The language switch in every page's header (Nederlands / English).

Signed in, the choice is the user's own setting (saved with an audit entry, like any change to a user) and
follows them to every browser; before sign-in it is kept in the language cookie, which Django's
LocaleMiddleware prefers to the browser's Accept-Language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from ledgerlink.tenancy import actions, current
from ledgerlink.tenancy.choices import Language
from ledgerlink.tenancy.views_login import _safe_next


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(_safe_next(request))
    language = request.POST.get("language", "")
    if language not in Language.values:
        return response
    user = current.user(request)
    if user is not None and user.language != language:
        actions.update_user(current.actor(request), user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",  # as settings.LANGUAGE_COOKIE_SAMESITE, typed
    )
    return response
