"""The one place that builds a company's address: ``<scheme>://<alias>.<base domain>[:port]<path>``.

Pages (links and redirects to a company's host), the Callback URL registered at Exact, e-mails and the
demo's printed addresses all come from :func:`company_url`; ``alias`` None is the bare base domain.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ledgerlink.tenancy.hosts import split_port

DEFAULT_PORTS = ("80", "443")


def company_url(alias: str | None, path: str = "/", port: str | int | None = None) -> str:
    """An absolute URL on the company's own host (the bare domain when ``alias`` is None).

    ``port`` is kept unless it is a default port (80, 443); pass :func:`request_port` to stay on the port
    the request came in on (development servers).
    """
    host = settings.LEDGERLINK_BASE_DOMAIN if alias is None else f"{alias}.{settings.LEDGERLINK_BASE_DOMAIN}"
    if port is not None and str(port) and str(port) not in DEFAULT_PORTS:
        host = f"{host}:{port}"
    return f"{settings.LEDGERLINK_PUBLIC_SCHEME}://{host}{path}"


def request_port(request: HttpRequest) -> str | None:
    """The port in the request's Host header, if it names one."""
    _name, port = split_port(request.META.get("HTTP_HOST", ""))
    return port
