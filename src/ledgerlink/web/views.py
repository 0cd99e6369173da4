"""Pages of the shell itself: home, Quick search results, health."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
