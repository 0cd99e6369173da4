"""Journals: the list with filters and counts, the detail with mapped lines and attempts, resends, mapping."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from exactlink.errors import ExactError
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.engine import TokenUnavailable
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.core.worker import last_heartbeat, workers_alive
from ledgerlink.journals import actions, exact_data, waiting
from ledgerlink.journals import messages as m
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.forms import JournalFilter
from ledgerlink.journals.mapping import mapping_form, rules_for, save_mapping
from ledgerlink.journals.models import Journal
from ledgerlink.journals.validation import validate
from ledgerlink.tenancy import current
from ledgerlink.tenancy.scoping import TenantQuerySet
from ledgerlink.web.access import company_admin_required, signed_in
from ledgerlink.web.forms import set_choices

PAGE_SIZE = 50
BATCH_KEY = "journals-resend-batch"
WAITING = (JournalStatus.QUEUED, JournalStatus.SENDING)


def _no_worker(waiting: bool) -> dict[str, object] | None:
    """Journals wait but no worker is alive: what the warning needs (journals/_no_worker.html), else None."""
    if not waiting or workers_alive(clock.now()):
        return None
    return {"last_seen": last_heartbeat()}


def _company_journals(request: HttpRequest) -> TenantQuerySet[Journal]:
    return Journal.objects.for_company(current.required_company(request))


def _filtered(request: HttpRequest) -> tuple[JournalFilter, TenantQuerySet[Journal], TenantQuerySet[Journal]]:
    connectors = Connector.objects.for_company(current.required_company(request))
    form = JournalFilter(request.GET or None)
    set_choices(form, "connector", [("", _("All")), *((c.number, f"{c.number} {c.name}") for c in connectors)])
    journals = _company_journals(request).select_related("connector")
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            journals = journals.filter(date__gte=data["date_from"])
        if data["date_to"]:
            journals = journals.filter(date__lte=data["date_to"])
        if data["connector"]:
            journals = journals.filter(connector__number=data["connector"])
        if data["kind"]:
            journals = journals.filter(kind=data["kind"])
        counts_base = journals
        if data["status"]:
            journals = journals.filter(status=data["status"])
    else:
        counts_base = journals
    return form, journals, counts_base


def base_held(journals: TenantQuerySet[Journal]) -> int:
    """How many of these journals a closed period holds (the list offers to let them wait)."""
    return journals.filter(status=JournalStatus.FAILED, status_message__code__in=waiting.CLOSED_PERIOD).count()


@signed_in
def journal_list(request: HttpRequest) -> HttpResponse:
    form, journals, counts_base = _filtered(request)
    counts = dict(counts_base.order_by().values_list("status").annotate(n=Count("id")))
    page = Paginator(journals.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journals/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": [(status, label, counts.get(status, 0)) for status, label in JournalStatus.choices],
            "no_worker": _no_worker(_company_journals(request).filter(status__in=WAITING).exists()),
            "connectors": Connector.objects.for_company(current.required_company(request)),
            "held_by_periods": base_held(counts_base),
            "waiting_connectors": Connector.objects.for_company(current.required_company(request))
            .exclude(status=Status.CONNECTED)
            .annotate(waiting=Count("journals", filter=Q(journals__status=JournalStatus.QUEUED)))
            .filter(waiting__gt=0),
        },
    )


@signed_in
def journal_detail(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).select_related("connector").filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    exact = exact_data.load(journal.connector)
    stored_lines = list(journal.lines.all())
    result = validate(journal, stored_lines, exact, rules_for(journal.connector), journal.connector.division)
    mapped = {line.line_no: line for line in result.lines}
    lines = [(line, mapped.get(line.line_no)) for line in stored_lines]
    return render(
        request,
        "journals/detail.html",
        {
            "journal": journal,
            "lines": lines,
            "attempts": [
                (attempt, [Message.from_json(item) for item in attempt.messages or []])
                for attempt in journal.attempts.all()
            ],
            "exact_data_read": exact.fetched_at,
            "problems": result.problems if journal.status != JournalStatus.POSTED else [],
            "no_worker": _no_worker(journal.status in WAITING),
            "waiting": journal.status == JournalStatus.QUEUED and journal.next_attempt_at > clock.now(),
            "cancellable": journal.status in actions.CANCELLABLE and not journal.needs_lookup,
            "can_wait": waiting.period_held_by(journal) is not None,
            "other_connectors": [
                c
                for c in Connector.objects.for_company(current.required_company(request)).order_by("number")
                if c.pk != journal.connector_id
            ],
        },
    )


@require_POST
@company_admin_required
def journal_resend(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    if actions.resend(journal, current.actor(request)):
        messages.success(request, _("Journal %(ref)s queued again.") % {"ref": journal.reference})
    else:
        messages.error(
            request,
            _("Only failed journals can be sent again; this one is %(s)s.") % {"s": journal.get_status_display()},
        )
    return redirect("journal-detail", journal_id=journal.pk)


@require_POST
@company_admin_required
def journal_send_now(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    if actions.send_now(journal):
        messages.success(
            request, _("Journal %(ref)s is sent with the worker's next round.") % {"ref": journal.reference}
        )
    else:
        messages.error(request, _("Journal %(ref)s is not waiting to be sent.") % {"ref": journal.reference})
    return redirect("journal-detail", journal_id=journal.pk)


@require_POST
@company_admin_required
def journal_cancel(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    if actions.cancel(journal, current.actor(request)):
        messages.success(request, _("Journal %(ref)s is cancelled; it will not be sent.") % {"ref": journal.reference})
    else:
        messages.error(request, Message.of(m.NOT_CANCELLABLE, id=journal.pk, status=journal.status).text())
    return redirect("journal-detail", journal_id=journal.pk)


@require_POST
@company_admin_required
def journal_move(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    number = request.POST.get("connector", "")
    connectors = Connector.objects.for_company(current.required_company(request))
    target = connectors.filter(number=int(number)).first() if number.isdigit() and len(number) < 10 else None
    if target is None:
        messages.error(request, _("Choose one of the company's connectors."))
    elif actions.move(journal, target, current.actor(request)):
        messages.success(
            request,
            _("Journal %(ref)s now goes through connector %(n)s.") % {"ref": journal.reference, "n": target.number},
        )
    else:
        messages.error(request, Message.of(m.NOT_CANCELLABLE, id=journal.pk, status=journal.status).text())
    return redirect("journal-detail", journal_id=journal.pk)


@require_POST
@company_admin_required
def journal_wait(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = _company_journals(request).filter(pk=journal_id).first()
    if journal is None:
        raise Http404
    if actions.wait_for_period(journal, current.actor(request)):
        messages.success(
            request,
            _("Journal %(ref)s waits until its period is reopened in Exact; it is tried once an hour.")
            % {"ref": journal.reference},
        )
    else:
        messages.error(request, Message.of(m.NOT_HELD_BY_PERIOD, id=journal.pk, status=journal.status).text())
    return redirect("journal-detail", journal_id=journal.pk)


@require_POST
@company_admin_required
def journal_wait_for_periods(request: HttpRequest) -> HttpResponse:
    """Every journal under the list's filters that a closed period holds waits until it reopens."""
    _form, _journals, base = _filtered(request)
    ids = list(base.filter(status=JournalStatus.FAILED).values_list("pk", flat=True)[:5000])
    company = current.required_company(request)
    count = actions.wait_for_periods(company, current.actor(request), journal_ids=ids)
    messages.success(
        request,
        ngettext(
            "%(n)d journal waits until its period is reopened in Exact; it is tried once an hour.",
            "%(n)d journals wait until their period is reopened in Exact; they are tried once an hour.",
            count,
        )
        % {"n": count},
    )
    return redirect(f"{request.path.rsplit('/', 1)[0]}/?{request.GET.urlencode()}")


@require_POST
@company_admin_required
def journal_resend_failed(request: HttpRequest) -> HttpResponse:
    _form, _journals, base = _filtered(request)
    ids = list(base.filter(status=JournalStatus.FAILED).values_list("pk", flat=True)[:5000])
    count = actions.resend_failed(current.required_company(request), current.actor(request), ids)
    request.session[BATCH_KEY] = ids
    messages.success(request, _("%(n)d failed journals queued again.") % {"n": count})
    return redirect(f"{request.path.rsplit('/', 1)[0]}/?{request.GET.urlencode()}&progress=1")


@signed_in
def journal_progress(request: HttpRequest) -> HttpResponse:
    ids = request.session.get(BATCH_KEY, [])
    counts = dict(
        _company_journals(request).filter(pk__in=ids).order_by().values_list("status").annotate(n=Count("id"))
    )
    total = len(ids)
    done = counts.get(JournalStatus.POSTED, 0) + counts.get(JournalStatus.FAILED, 0)
    return render(
        request,
        "journals/_progress.html",
        {
            "total": total,
            "done": done,
            "posted": counts.get(JournalStatus.POSTED, 0),
            "failed": counts.get(JournalStatus.FAILED, 0),
            "finished": done >= total,
            "percent": int(done * 100 / total) if total else 100,
        },
    )


@company_admin_required
def mapping_edit(request: HttpRequest, number: int) -> HttpResponse:
    connector = Connector.objects.for_company(current.required_company(request)).filter(number=number).first()
    if connector is None:
        raise Http404
    if request.method == "POST" and "refresh" in request.POST:
        try:
            exact_data.refresh(connector)
            messages.success(request, _("Exact data read from Exact."))
        except (ExactError, TokenUnavailable, ValueError) as exc:
            messages.error(request, _("Exact's data could not be read: %(e)s") % {"e": exc})
        return redirect("journal-mapping", number=number)
    form = mapping_form(connector, request.POST or None)
    if request.method == "POST" and form.is_valid():
        save_mapping(current.actor(request), connector, form.cleaned_data)
        messages.success(request, _("Mapping saved. Failed journals can now be sent again."))
        return redirect("journal-mapping", number=number)
    return render(
        request, "journals/mapping.html", {"connector": connector, "form": form, "exact": exact_data.load(connector)}
    )
