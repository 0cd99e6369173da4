"""Request plumbing for tenancy: proxy headers, host → company, and keeping users on their company's host."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ledgerlink.core.logs import company_var, request_id_var
from ledgerlink.core.problems import for_api, problem_response
from ledgerlink.core.rows import Lookup, param
from ledgerlink.tenancy import current, handoff
from ledgerlink.tenancy.addresses import request_port
from ledgerlink.tenancy.hosts import HostKind, ResolvedHost, resolve_host
from ledgerlink.tenancy.models import Company
from ledgerlink.web.views import healthz, readyz

# Paths answered on any host, for load balancers that probe by IP address.
HOST_FREE_PATHS = {"/healthz": healthz, "/readyz": readyz}


class ProxyHeadersMiddleware:
    """Believe X-Forwarded-Host/-Proto/-For only when the direct peer is a configured trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        trusted = meta.get("REMOTE_ADDR") in settings.LEDGERLINK_TRUSTED_PROXIES
        forwarded_host = meta.pop("HTTP_X_FORWARDED_HOST", None)
        forwarded_proto = meta.pop("HTTP_X_FORWARDED_PROTO", None)
        forwarded_for = meta.pop("HTTP_X_FORWARDED_FOR", None)
        incoming_id = meta.get("HTTP_X_REQUEST_ID", "")
        if trusted:
            if forwarded_host:
                meta["HTTP_HOST"] = forwarded_host.split(",")[0].strip()
            if forwarded_proto:
                proto = forwarded_proto.split(",")[0].strip().lower()
                if proto in ("http", "https"):
                    meta["wsgi.url_scheme"] = proto
            if forwarded_for:
                hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
                untrusted = [hop for hop in hops if hop not in settings.LEDGERLINK_TRUSTED_PROXIES]
                if untrusted:
                    meta["REMOTE_ADDR"] = untrusted[-1]
        request_id = incoming_id[:64] if trusted and incoming_id.isascii() and incoming_id else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


# The company a host name names, at every request to a company's address (rows.py).
_BY_ALIAS = Lookup(
    lambda alias: Company.objects.filter(alias=alias).order_by()[:1],
    param("alias", "\x00alias"),
)


class CompanyHostMiddleware:
    """Resolve the host name to a company (or the bare domain) before anything else looks at the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current.set_host(request, None, bare=False)
        probe = HOST_FREE_PATHS.get(request.path)
        if probe is not None:
            # Answered here, before CommonMiddleware checks ALLOWED_HOSTS: probes come by IP address.
            return probe(request)
        resolved = resolve_host(request.META.get("HTTP_HOST", ""), settings.LEDGERLINK_BASE_DOMAIN)
        if resolved.kind is HostKind.BARE:
            current.set_host(request, None, bare=True)
            return self.get_response(request)
        company = _BY_ALIAS.first(alias=resolved.alias) if resolved.kind is not HostKind.INVALID else None
        if company is None:
            # Refused before LocaleMiddleware: in the language the request asks for, not the one this thread
            # answered its last request in.
            with translation.override(translation.get_language_from_request(request)):
                return self._refuse(request, resolved)
        current.set_host(request, company, bare=False)
        token = company_var.set(str(company.number))
        try:
            return self.get_response(request)
        finally:
            company_var.reset(token)

    @staticmethod
    def _refuse(request: HttpRequest, resolved: ResolvedHost) -> HttpResponse:
        """A host that is no address of ours (400), or an alias no company uses (404); the API answers a
        documented problem, never a page."""
        api = for_api(request)
        if resolved.kind is HostKind.INVALID:
            detail = _("This service does not answer at this address.")
            if api:
                return problem_response(request, 400, {"detail": detail, "code": "host.invalid"})
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        if api:
            return problem_response(
                request, 404, {"detail": _("No company at this address"), "code": "host.no_company"}
            )
        return render(request, "tenancy/no_company.html", {"alias": resolved.alias}, status=404)


class TenantUserMiddleware:
    """A session is good only on its own company's host (operators: only on the bare domain).

    Cookies are host-only, so this matters only for a session cookie carried across hosts by hand; such a
    request is treated as anonymous. Sets ``request.company``: the company the page is about.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = current.user(request)
        host_company = current.host_company(request)
        if user is not None:
            wrong_company = host_company is not None and user.company_id != host_company.pk
            unknown_host = host_company is None and not current.on_bare_domain(request)
            operator_on_alias = host_company is not None and user.is_operator
            if wrong_company or unknown_host or operator_on_alias:
                request.user = AnonymousUser()
                user = None
        company = host_company
        if company is None and user is not None and not user.is_operator:
            company = user.company
            if company is not None and company.alias and request.method in ("GET", "HEAD"):
                # The company has its own address (its alias was set while this session was on the bare
                # domain): continue there, signed in. Pages on the bare domain could not complete an oAuth,
                # whose callback comes back to the alias host (docs/adr/0012-one-address-per-company.md).
                return HttpResponseRedirect(
                    handoff.carry_over_url(user, company, request.get_full_path(), request_port(request))
                )
        current.set_company(request, company)
        if company is not None:
            try:
                timezone.activate(zoneinfo.ZoneInfo(company.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        else:
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Speak the signed-in user's language: their own choice, else their company's (Django's LocaleMiddleware
    has already chosen from the language cookie or the browser's Accept-Language, which is what an anonymous
    visitor, and an operator who has not chosen, get). The REST API keeps to Accept-Language: its caller
    is a machine, whatever session cookie the browser may carry along."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = current.user(request)
        if user is not None and not for_api(request):
            language = user.preferred_language(current.company(request))
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
