"""An operator's actions on one company that needed the CLI: its first admin, its API keys."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledgerlink.journals import apikeys
from ledgerlink.tenancy import actions as tenancy_actions
from ledgerlink.tenancy import current
from ledgerlink.tenancy.addresses import company_url, request_port
from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import Company, User
from ledgerlink.web.access import operator_required


class FirstAdminForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)


def one_time_password() -> str:
    """16 random characters the admin types once; letters and digits, never all digits."""
    return "ll-" + secrets.token_urlsafe(12)


def _company(number: int) -> Company:
    company = Company.objects.filter(number=number).first()
    if company is None:
        raise Http404
    return company


def _page(
    request: HttpRequest, company: Company, form: FirstAdminForm, created: tuple[User, str] | None = None
) -> HttpResponse:
    return render(
        request,
        "operations/company.html",
        {
            "company": company,
            "form": form,
            "admins": User.objects.for_company(company).filter(role=Role.ADMIN),
            "keys": apikeys.keys_of(company),
            "created": created,
            "address": company_url(company.alias, "/", request_port(request)) if company.alias else None,
        },
    )


@operator_required
def company(request: HttpRequest, number: int) -> HttpResponse:
    target = _company(number)
    form = FirstAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = one_time_password()
        try:
            user = tenancy_actions.create_user(
                current.actor(request),
                target,
                form.cleaned_data["username"],
                password,
                role=Role.ADMIN,
                email=form.cleaned_data["email"],
            )
        except tenancy_actions.TenancyError as exc:
            form.add_error("username", str(exc))
        else:
            # Shown in this answer only (never stored, never in a redirect's message): the operator passes it on.
            return _page(request, target, FirstAdminForm(), created=(user, password))
    return _page(request, target, form)


@require_POST
@operator_required
def revoke_key(request: HttpRequest, number: int, prefix: str) -> HttpResponse:
    target = _company(number)
    try:
        apikeys.revoke_key(current.actor(request), target, prefix)
    except apikeys.ApiKeyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("API key %(prefix)s revoked: it stops working at once.") % {"prefix": prefix})
    return redirect("operations-company", number=target.number)
