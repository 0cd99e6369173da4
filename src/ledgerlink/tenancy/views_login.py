"""Sign in and out. On a company's host: user name and password; on the bare domain: also the company number."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ledgerlink.core import clock
from ledgerlink.tenancy import current, handoff, throttle
from ledgerlink.tenancy.addresses import request_port
from ledgerlink.tenancy.forms import LoginForm
from ledgerlink.tenancy.models import Company


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=False) and target.startswith("/"):
        return target
    return "/"


def _throttled_message(until) -> str:  # type: ignore[no-untyped-def]
    minutes = max(1, int((until - clock.now()).total_seconds() + 59) // 60)
    return ngettext(
        "Too many failed sign-ins. Try again after %(time)s (in %(minutes)d minute).",
        "Too many failed sign-ins. Try again after %(time)s (in %(minutes)d minutes).",
        minutes,
    ) % {
        "time": formats.time_format(timezone.localtime(until), "H:i"),
        "minutes": minutes,
    }


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    ask_company = current.on_bare_domain(request)
    form = LoginForm(request.POST or None, ask_company=ask_company)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        password = form.cleaned_data["password"]
        operator = False
        company: Company | None
        if ask_company:
            number = form.cleaned_data.get("company_number")
            operator = number is None
            company = None if operator else Company.objects.filter(number=number).first()
            account = f"operator/{username}" if operator else f"{number}/{username}"
        else:
            company = current.host_company(request)
            account = f"{company.number if company else ''}/{username}"
        address = request.META.get("REMOTE_ADDR", "")
        attempt, until = throttle.begin_attempt(account, address)
        if attempt is None:
            form.add_error(None, _throttled_message(until))
            status = 429
        else:
            # Always authenticate, also for a company number that does not exist: the backend then spends
            # the time of a real password check, so timing does not tell which company numbers exist.
            user = authenticate(request, username=username, password=password, company=company, operator=operator)
            if user is None:  # the attempt's row stays: it is the failure
                form.add_error(
                    None,
                    _("Company number, user name or password is not right.")
                    if ask_company
                    else _("User name or password is not right."),
                )
            else:
                throttle.succeeded(account, address)
                if ask_company and company is not None and company.alias:
                    return HttpResponseRedirect(
                        handoff.carry_over_url(user, company, _safe_next(request), request_port(request))
                    )
                login(request, user)
                return redirect(_safe_next(request))
    return render(
        request,
        "tenancy/login.html",
        {"form": form, "ask_company": ask_company, "next": _safe_next(request)},
        status=status,
    )


def handoff_view(request: HttpRequest) -> HttpResponse:
    company = current.host_company(request)
    user = handoff.redeem(request.GET.get("ticket", ""), company) if company is not None else None
    if user is None:
        messages.error(request, _("This sign-in link has expired or was already used. Please sign in again."))
        return redirect("login")
    login(request, user, backend="ledgerlink.tenancy.backends.CompanyUserBackend")
    return redirect(_safe_next(request))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")
