"""Extra → Companies: operators see and create every company and grant licences; admins edit their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy import actions, audit, current, handoff
from ledgerlink.tenancy.addresses import company_url, request_port
from ledgerlink.tenancy.choices import Language, Module
from ledgerlink.tenancy.forms import CompanyCreateForm, CompanyForm
from ledgerlink.tenancy.models import Company
from ledgerlink.web.access import admin_or_operator_required, operator_required
from ledgerlink.web.registry import registry


def _visible_company(request: HttpRequest, number: int) -> Company:
    company = Company.objects.visible_to(request.user).filter(number=number).first()
    if company is None:
        raise Http404
    return company


@admin_or_operator_required
def company_list(request: HttpRequest) -> HttpResponse:
    companies = Company.objects.visible_to(request.user).prefetch_related("licences")
    query = request.GET.get("q", "").strip()
    if query:
        match = Q(name__icontains=query) | Q(alias__icontains=query)
        if (number := small_int(query)) is not None:
            match |= Q(number=number)
        companies = companies.filter(match)
    return render(request, "tenancy/company_list.html", {"companies": companies[:500], "query": query})


@operator_required
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = actions.create_company(
                current.actor(request),
                form.cleaned_data["number"],
                form.cleaned_data["name"],
                form.cleaned_data["alias"] or None,
                language=form.cleaned_data["language"] or Language.NL,
            )
        except actions.TenancyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Company %(number)s created.") % {"number": company.number})
            return redirect("company-detail", number=company.number)
    return render(request, "tenancy/company_create.html", {"form": form})


@admin_or_operator_required
def company_detail(request: HttpRequest, number: int) -> HttpResponse:
    company = _visible_company(request, number)
    form = CompanyForm(
        request.POST or None, initial={"name": company.name, "alias": company.alias or "", "language": company.language}
    )
    form.fields["alias"].help_text = form.fields["alias"].help_text % {"domain": settings.LEDGERLINK_BASE_DOMAIN}
    warning: list[str] = []
    if request.method == "POST" and form.is_valid():
        old_alias = company.alias
        new_alias = form.cleaned_data["alias"] or None
        if new_alias != old_alias and request.POST.get("confirm_alias", "") != (new_alias or ""):
            warning = _alias_warning(company, new_alias, request_port(request))
    if request.method == "POST" and form.is_valid() and not warning:
        old_alias = company.alias
        try:
            company = actions.update_company(
                current.actor(request),
                company,
                name=form.cleaned_data["name"],
                alias=form.cleaned_data["alias"] or None,
                set_alias=True,
                language=form.cleaned_data["language"] or None,
            )
        except actions.TenancyError as exc:
            form.add_error("alias" if "alias" in str(exc).lower() else None, str(exc))
        else:
            messages.success(request, _("Company saved."))
            # On the company's host the old address stops working; a company user on the bare domain must
            # continue on the new one, where the oAuth callback comes back to (operators stay where they are).
            on_host = current.host_company(request) is not None
            user = current.required_user(request)
            moved = company.alias != old_alias and (on_host or (company.alias is not None and not user.is_operator))
            if moved:
                return _follow_alias(request, company)
            return redirect("company-detail", number=company.number)
    licences = set(company.licences.values_list("module", flat=True))
    return render(
        request,
        "tenancy/company_detail.html",
        {
            "company": company,
            "form": form,
            "modules": [(module, module in licences) for module in Module],
            "audit": audit.trail(company)[:50],
            "address": company_url(company.alias, "/", request_port(request)) if company.alias else None,
            "alias_warning": warning,
            "new_alias": form.cleaned_data.get("alias", "") if warning else "",
        },
    )


def _alias_warning(company: Company, new_alias: str | None, port: str | None) -> list[str]:
    """What must change outside ledgerlink if the alias changes; empty when nothing registered elsewhere
    depends on the old address (then the alias is saved at once)."""
    notes = registry.alias_change_notes(company, new_alias, port)
    if not notes or company.alias is None:
        return notes
    old = company_url(company.alias, "/", port)
    if new_alias is None:
        return [*notes, _("%(old)s stops answering; the company signs in on the main address.") % {"old": old}]
    moved = _(
        "%(old)s stops answering: bookmarks, and the ERP's calls to the REST API, must use %(api)s from then on."
    ) % {"old": old, "api": company_url(new_alias, "/api/v1/", port)}
    return [*notes, moved]


def _follow_alias(request: HttpRequest, company: Company) -> HttpResponse:
    """The admin changed the alias of the host they are on: carry their session to the new address."""
    if company.alias is None:
        messages.info(request, _("The alias was removed; sign in on the main address with your company number."))
        return HttpResponseRedirect(company_url(None, "/login", request.get_port()))
    next_path = reverse("company-detail", kwargs={"number": company.number})
    return HttpResponseRedirect(
        handoff.carry_over_url(current.required_user(request), company, next_path, request_port(request))
    )


@require_POST
@operator_required
def licence_change(request: HttpRequest, number: int, module: str, grant: bool) -> HttpResponse:
    company = _visible_company(request, number)
    try:
        if grant:
            actions.grant_licence(current.actor(request), company, module)
            messages.success(request, _("Licence %(module)s granted.") % {"module": module})
        else:
            actions.revoke_licence(current.actor(request), company, module)
            messages.success(request, _("Licence %(module)s revoked.") % {"module": module})
    except actions.TenancyError as exc:
        messages.error(request, str(exc))
    return redirect("company-detail", number=company.number)


def licence_grant(request: HttpRequest, number: int, module: str) -> HttpResponse:
    return licence_change(request, number, module, grant=True)


def licence_revoke(request: HttpRequest, number: int, module: str) -> HttpResponse:
    return licence_change(request, number, module, grant=False)
