"""The dashboard: operators see every company (or one, ``?company=N``); a company admin sees their own only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ledgerlink.core import clock
from ledgerlink.operations import dashboard as figures
from ledgerlink.tenancy import current
from ledgerlink.tenancy.models import Company
from ledgerlink.web.access import admin_or_operator_required, is_company_admin, is_operator


@admin_or_operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    company: Company | None
    if is_company_admin(request):
        company = current.required_company(request)  # their own: the host's company, checked by the decorator
    elif is_operator(request):
        company = current.host_company(request)
        chosen = request.GET.get("company", "")
        if company is None and chosen.isdigit():
            company = Company.objects.filter(number=int(chosen)).first()
            if company is None:
                raise Http404
    else:  # the decorator lets no one else through
        raise Http404
    board = figures.build(company, clock.now())
    return render(
        request,
        "operations/dashboard.html",
        {"board": board, "company": company, "all_companies": company is None and is_operator(request)},
    )
