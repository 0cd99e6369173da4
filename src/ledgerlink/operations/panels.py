"""Blocks on lower apps' pages: a company's own open problems (its home and Journals pages; never another
company's), and on an operator's home what needs attention."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from ledgerlink.core import clock
from ledgerlink.core.worker import workers_alive
from ledgerlink.operations import overview
from ledgerlink.operations.models import Problem
from ledgerlink.tenancy import current
from ledgerlink.web.access import is_operator


def company_problems(request: HttpRequest) -> str:
    company = current.company(request)
    user = current.user(request)
    if company is None or user is None or user.company_id != company.pk:
        return ""
    problems = list(
        Problem.objects.for_company(company).filter(resolved_at__isnull=True).select_related("connector")[:20]
    )
    if not problems:
        return ""
    return render_to_string("operations/_company_problems.html", {"problems": problems}, request=request)


def operator_attention(request: HttpRequest) -> str:
    """An operator's home: how many connectors need someone, and whether a worker runs, before any click."""
    if not is_operator(request):
        return ""
    now = clock.now()
    return render_to_string(
        "operations/_operator_home.html",
        {
            "attention": overview.connectors(now, attention=True).count(),
            "workers_alive": workers_alive(now),
            "open_problems": Problem.objects.filter(resolved_at__isnull=True).count(),
        },
        request=request,
    )
