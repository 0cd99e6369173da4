"""Who calls the REST API: the company of the credential the API's authentication accepted.

The authentication itself (a company API key, ``journals.api.CompanyKey``) lives with the keys in journals; the
routers of lower apps (connectors) are mounted with it in ``ledgerlink.api`` and read the company here, so they
need not import journals. A request that reached an operation without a credential is refused (fail closed).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ledgerlink.core.problems import Unauthorized, refuse_unknown_query
from ledgerlink.tenancy.models import Company


def request_company(request: HttpRequest, query: tuple[str, ...] = ()) -> Company:
    """The accepted credential's company (ninja keeps the credential as ``request.auth``); unknown query
    parameters are refused (422)."""
    company = getattr(getattr(request, "auth", None), "company", None)
    if not isinstance(company, Company):
        raise Unauthorized(_("Send the company's API key as “Authorization: Bearer <key>”."))
    refuse_unknown_query(request, query)
    return company
