"""Journals → Import: upload RetailVista's cash-journal file; the worker imports it; its page shows the progress.

The upload is stored and answered at once (import_jobs.py); the job's page polls a small status fragment
while the worker reads, checks and stores the file, and pages through the problems of a refused file.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import import_jobs, importer
from ledgerlink.journals.choices import ImportStatus
from ledgerlink.journals.models import ImportJob
from ledgerlink.tenancy import current
from ledgerlink.web.access import company_admin_required
from ledgerlink.web.forms import set_choices

PROBLEMS_PER_PAGE = 50
RECENT = 10


class ImportForm(forms.Form):
    connector = forms.TypedChoiceField(label=gettext_lazy("Connector"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("RetailVista's Exact Online cash-journal export (.csv).")
    )

    def __init__(self, *args: object, connectors: list[Connector], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        set_choices(self, "connector", [(c.number, f"{c.number} · {c.name}") for c in connectors])


def _jobs(request: HttpRequest) -> object:
    return ImportJob.objects.for_company(current.required_company(request)).select_related("connector")


@company_admin_required
def journal_import(request: HttpRequest) -> HttpResponse:
    company = current.required_company(request)
    connectors = list(Connector.objects.for_company(company))
    form = ImportForm(request.POST or None, request.FILES or None, connectors=connectors)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importer.MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(mb)s MB; split the export into smaller periods.")
                % {"mb": importer.MAX_BYTES // 2**20},
            )
        else:
            connector = next(c for c in connectors if c.number == form.cleaned_data["connector"])
            job, earlier = import_jobs.start(current.actor(request), company, connector, upload.name, upload.read())
            if earlier:
                messages.info(
                    request,
                    _("This file was uploaded before for connector %(number)s; this is that import.")
                    % {"number": connector.number},
                )
            return redirect("journal-import-job", job_id=job.pk)
    recent = ImportJob.objects.for_company(company).select_related("connector")[:RECENT]
    return render(
        request,
        "journals/import.html",
        {"form": form, "connectors": connectors, "recent": recent},
        status=422 if request.method == "POST" else 200,
    )


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    company = current.required_company(request)
    job = ImportJob.objects.for_company(company).select_related("connector").filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def _percent(job: ImportJob) -> int:
    """One bar for the whole import: checking every entry is its first half, storing them its second. (Each stage
    on a bar of its own made the bar run to the end while checking, then jump back when storing began.)"""
    total = job.entries_total or 0
    if job.status in import_jobs.FINISHED:
        return 100
    if not total:
        return 0
    done = job.entries_checked
    if job.status == ImportStatus.IMPORTING:
        done = total + job.journals_created + job.journals_unchanged
    return min(100, int(done * 50 / total))


def _context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    problems = Paginator(import_jobs.problems_of(job), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "job": job,
        "finished": job.status in import_jobs.FINISHED,
        "percent": _percent(job),
        "problems": problems,
        "stored_all_problems": job.problem_count <= len(job.problems or []),
    }


@company_admin_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "journals/import_job.html", _context(request, job))


@company_admin_required
def import_job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The part of the job's page that updates itself (HTMX, every second until the job is finished)."""
    job = _job(request, job_id)
    return render(request, "journals/_import_status.html", _context(request, job))
