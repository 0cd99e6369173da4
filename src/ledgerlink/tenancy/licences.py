"""Licence checks used by views, the API and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ledgerlink.tenancy import current
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.models import Company


class LicenceMissing(Exception):
    def __init__(self, company: Company, module: str) -> None:
        self.company = company
        self.module = module
        super().__init__(explain_missing(company, module))


def explain_missing(company: Company, module: str) -> str:
    return _(
        "Company %(number)s has no licence for the module “%(module)s”. Licences are granted by the "
        "operator (your hosting provider); ask them to grant it."
    ) % {"number": company.number, "module": Module(module).label}


def has_licence(company: Company | None, module: str) -> bool:
    return company is not None and company.has_licence(module)


def require(company: Company, module: str) -> None:
    if not has_licence(company, module):
        raise LicenceMissing(company, module)


def licence_required(module: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: without the licence, a page that says which licence is missing and who grants it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            company = current.company(request)
            if not has_licence(company, module):
                return render(
                    request,
                    "tenancy/licence_missing.html",
                    {"module": Module(module), "message": explain_missing(company, module) if company else ""},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
