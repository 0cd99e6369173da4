"""Pages for getting journals in: Extra → API keys, and Journals → Import (RetailVista's cash-journal file)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledgerlink.journals import apikeys
from ledgerlink.tenancy import current
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import explain_missing, has_licence
from ledgerlink.web.access import company_admin_required


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What uses the key, e.g. “RetailVista shop 1”."),
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@company_admin_required
def apikey_list(request: HttpRequest) -> HttpResponse:
    """The company's keys; POST makes one and shows it on this answer only (never stored, never again)."""
    company = current.required_company(request)
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            new_key = apikeys.create_key(
                current.actor(request),
                company,
                form.cleaned_data["name"],
            )
        except apikeys.ApiKeyError as exc:
            form.add_error("name", str(exc))
        else:
            form = ApiKeyForm()
    licensed = has_licence(company, Module.API)
    return _no_store(
        render(
            request,
            "journals/apikeys.html",
            {
                "form": form,
                "keys": apikeys.keys_of(company),
                "new_key": new_key,
                "missing_licence": "" if licensed else explain_missing(company, Module.API),
                "api_base": request.build_absolute_uri("/api/v1/"),
            },
        )
    )


@company_admin_required
@require_POST
def apikey_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    company = current.required_company(request)
    try:
        record = apikeys.revoke_key(current.actor(request), company, prefix)
    except apikeys.ApiKeyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("API key %(prefix)s (%(name)s) is revoked; it no longer works.")
            % {"prefix": record.prefix, "name": record.name},
        )
    return redirect("apikey-list")
