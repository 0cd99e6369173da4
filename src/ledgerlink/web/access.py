"""Who may open a page: small decorators shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

View = Callable[..., HttpResponse]


def _deny(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/denied.html", {"message": message}, status=403)


def signed_in(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def is_operator(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "is_operator", False))


def is_company_admin(request: HttpRequest) -> bool:
    user = request.user
    company = getattr(request, "company", None)
    return bool(
        user.is_authenticated
        and company is not None
        and getattr(user, "is_company_admin", False)
        and user.company_id == company.pk
    )


def operator_required(view: View) -> View:
    @wraps(view)
    @signed_in
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator(request):
            return _deny(request, _("Only operators may open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def company_admin_required(view: View) -> View:
    @wraps(view)
    @signed_in
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_company_admin(request):
            return _deny(request, _("Only the company's admins may open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def admin_or_operator_required(view: View) -> View:
    @wraps(view)
    @signed_in
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (is_operator(request) or is_company_admin(request)):
            return _deny(request, _("Only the company's admins and operators may open this page."))
        return view(request, *args, **kwargs)

    return wrapper
