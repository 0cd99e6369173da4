"""Pages of the shell itself: home, Quick search results, liveness (``/healthz``) and readiness (``/readyz``)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ledgerlink.core import readiness
from ledgerlink.web.access import signed_in
from ledgerlink.web.registry import search


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@require_GET
@signed_in
def quick_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    hits = search(request, query)
    return render(request, "web/search_results.html", {"hits": hits, "query": query})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, 503 naming each check otherwise (core/readiness.py); never cached."""
    ok, checks = readiness.run_checks()
    response = JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response
