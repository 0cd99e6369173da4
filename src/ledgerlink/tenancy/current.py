"""What a request is about, typed: its host's company, the company the page is about, the signed-in user.

The middleware (``tenancy/middleware.py``) stores these on the request once; everything else reads them
through these functions instead of ad-hoc request attributes. Templates may still say
``request.host_company`` and ``request.company``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import Company, User

_HOST_COMPANY = "host_company"
_ON_BARE_DOMAIN = "on_bare_domain"
_COMPANY = "company"


def set_host(request: HttpRequest, company: Company | None, *, bare: bool) -> None:
    setattr(request, _HOST_COMPANY, company)
    setattr(request, _ON_BARE_DOMAIN, bare)


def set_company(request: HttpRequest, company: Company | None) -> None:
    setattr(request, _COMPANY, company)


def _company_attribute(request: HttpRequest, name: str) -> Company | None:
    value = getattr(request, name, None)
    if value is not None and not isinstance(value, Company):
        raise TypeError(f"request.{name} is a {type(value).__name__}, not a Company")
    return value


def host_company(request: HttpRequest) -> Company | None:
    """The company whose alias is the request's host name; ``None`` on the bare domain."""
    return _company_attribute(request, _HOST_COMPANY)


def on_bare_domain(request: HttpRequest) -> bool:
    return bool(getattr(request, _ON_BARE_DOMAIN, False))


def company(request: HttpRequest) -> Company | None:
    """The company the page is about: the host's, or the signed-in user's on the bare domain."""
    return _company_attribute(request, _COMPANY)


def required_company(request: HttpRequest) -> Company:
    """The company the page is about; a page that needs one and has none is not found (404)."""
    found = company(request)
    if found is None:
        raise Http404
    return found


def user(request: HttpRequest) -> User | None:
    """The signed-in user, or ``None`` for an anonymous request."""
    signed_in = getattr(request, "user", None)
    return signed_in if isinstance(signed_in, User) and signed_in.is_authenticated else None


def required_user(request: HttpRequest) -> User:
    """The signed-in user, for views behind ``signed_in``; an anonymous request is refused (403)."""
    signed_in = user(request)
    if signed_in is None:
        raise PermissionDenied
    return signed_in


def actor(request: HttpRequest) -> Actor:
    """The signed-in user as the actor of what the request changes."""
    return Actor.of(required_user(request))
