"""Pages for getting journals in: Extra → API keys, and Journals → Import (RetailVista's cash-journal file)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys, importer
from ledgerlink.tenancy import current
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import explain_missing, has_licence
from ledgerlink.web.access import company_admin_required
from ledgerlink.web.forms import set_choices


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What uses the key, e.g. “RetailVista shop 1”."),
    )


class ImportForm(forms.Form):
    connector = forms.TypedChoiceField(label=gettext_lazy("Connector"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("RetailVista's Exact Online cash-journal export (.csv).")
    )

    def __init__(self, *args: object, connectors: list[Connector], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        set_choices(self, "connector", [(c.number, f"{c.number} · {c.name}") for c in connectors])


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


def _detail_url(journal_id: int | None) -> str | None:
    """The journal's page, once the Journals pages exist (they are built beside this module)."""
    if journal_id is None:
        return None
    try:
        return reverse("journal-detail", args=[journal_id])
    except NoReverseMatch:
        return None


@company_admin_required
def journal_import(request: HttpRequest) -> HttpResponse:
    company = current.required_company(request)
    connectors = list(Connector.objects.for_company(company))
    form = ImportForm(request.POST or None, request.FILES or None, connectors=connectors)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importer.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(mb)s MB; split the export into smaller periods.")
                % {"mb": importer.MAX_BYTES // 2**20},
            )
        else:
            result = importer.import_file(company, form.cleaned_data["connector"], upload.read())
    rows = [(journal, _detail_url(journal.journal_id)) for journal in result.journals] if result else []
    status = 422 if result is not None and not result.ok else 200
    return render(
        request,
        "journals/import.html",
        {
            "form": form,
            "connectors": connectors,
            "result": result,
            "rows": rows,
            "file_name": request.FILES["file"].name if result is not None and "file" in request.FILES else "",
        },
        status=status,
    )
