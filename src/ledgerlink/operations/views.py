"""The operator console (bare domain, operators only): overview of every connector, one connector, workers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.models import WorkerHeartbeat
from ledgerlink.core.worker import stale_after, workers_alive
from ledgerlink.journals.models import Journal
from ledgerlink.operations import actions, overview
from ledgerlink.operations.models import Problem
from ledgerlink.tenancy import current
from ledgerlink.web.access import operator_required

PAGE_SIZE = 50


@operator_required
def console(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    status = request.GET.get("status", "")
    attention = request.GET.get("attention") == "1"
    search = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "attention")
    rows = overview.connectors(now, status=status, attention=attention, search=search, sort=sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    return render(
        request,
        "operations/console.html",
        {
            "page": page,
            "rows": overview.rows_for(list(page.object_list), now),
            "statuses": Status.choices,
            "status": status,
            "attention": attention,
            "search": search,
            "sort": sort if sort in overview.SORTS else "attention",
            "sorts": [
                ("attention", _("Needs attention")),
                ("company", _("Company")),
                ("status", _("Status")),
                ("failed", _("Failed")),
                ("queued", _("Queued")),
                ("oldest", _("Oldest queued")),
                ("contact", _("Last contact")),
            ],
            "query": query.urlencode(),
            "unsorted": unsorted.urlencode(),
            "workers_alive": workers_alive(now),
            "problems": Problem.objects.filter(resolved_at__isnull=True)
            .select_related("company", "connector")
            .order_by("-journals", "-last_seen_at")[:10],
        },
    )


def _connector(connector_id: int) -> Connector:
    connector = Connector.objects.select_related("company", "summary").filter(pk=connector_id).first()
    if connector is None:
        raise Http404
    return connector


@operator_required
def connector_detail(request: HttpRequest, connector_id: int) -> HttpResponse:
    """One connector as its company's admin would see it, read-only, with its problems and latest journals."""
    now = clock.now()
    connector = _connector(connector_id)
    row = overview.rows_for([connector], now)[0]
    journals = (
        Journal.objects.for_company(connector.company_id).filter(connector=connector).order_by("-created_at")[:25]
    )
    return render(
        request,
        "operations/connector.html",
        {
            "row": row,
            "connector": connector,
            "journals": journals,
            "problems": Problem.objects.for_company(connector.company_id).filter(connector=connector)[:50],
        },
    )


@require_POST
@operator_required
def connector_resend_failed(request: HttpRequest, connector_id: int) -> HttpResponse:
    connector = _connector(connector_id)
    count = actions.resend_failed(connector, current.actor(request))
    messages.success(request, _("%(n)d failed journals queued again.") % {"n": count})
    return redirect("operations-connector", connector.pk)


@operator_required
def workers(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    cutoff = now - stale_after()
    rows = [
        (beat, beat.stopped_at is None and beat.seen_at >= cutoff)
        for beat in WorkerHeartbeat.objects.order_by("-seen_at")[:100]
    ]
    return render(
        request, "operations/workers.html", {"rows": rows, "stale_seconds": int(stale_after().total_seconds())}
    )
