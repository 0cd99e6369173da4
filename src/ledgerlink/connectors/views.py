"""Extra → Connectors: the list, the connector screen, the oAuth popup and the callback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledgerlink.connectors import actions, budgets, ratelimits
from ledgerlink.connectors.callback import (
    blocker,
    callback_prefix,
    difference,
    expected_callback_url,
    follow_number,
    problems,
)
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.events import events_of
from ledgerlink.connectors.exact import region_choices
from ledgerlink.connectors.forms import API_TOKEN_MASK, ConnectorForm
from ledgerlink.connectors.health import health
from ledgerlink.connectors.models import Connector
from ledgerlink.connectors.worker import workers_alive
from ledgerlink.core import clock
from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy import current
from ledgerlink.tenancy.addresses import request_port
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import licence_required
from ledgerlink.tenancy.models import Company
from ledgerlink.web.access import company_admin_required

EXPIRY_WARNING = timedelta(days=20)


def _connector(request: HttpRequest, number: int) -> Connector:
    connector = Connector.objects.for_company(current.required_company(request)).filter(number=number).first()
    if connector is None:
        raise Http404
    return connector


def _expected(request: HttpRequest, number: int) -> str:
    return expected_callback_url(current.required_company(request).alias or "", number, request_port(request))


def _follow_the_number(form: ConnectorForm, request: HttpRequest, shown_number: int) -> None:
    """Let a Callback URL still showing the suggestion for ``shown_number`` follow the Number (server side of
    connectors.js, for a screen saved without script); the browser shows the rule by ``data-callback-prefix``."""
    form.fields["callback_url"].widget.attrs["data-callback-prefix"] = callback_prefix(
        current.required_company(request).alias or "", request_port(request)
    )
    if form.is_bound and form.is_valid():
        form.cleaned_data["callback_url"] = follow_number(
            form.cleaned_data["callback_url"],
            suggested=_expected(request, shown_number),
            expected=_expected(request, form.cleaned_data["number"]),
        )


@company_admin_required
def connector_list(request: HttpRequest) -> HttpResponse:
    company = current.required_company(request)
    connectors = list(Connector.objects.for_company(company))
    now = clock.now()
    expiring = [
        c
        for c in connectors
        if c.status == Status.CONNECTED and c.tokens_issued_at and now - c.tokens_issued_at > EXPIRY_WARNING
    ]
    return render(
        request,
        "connectors/list.html",
        {
            "rows": [
                (c, health(c, now), bool(c.callback_url) and c.callback_url != _expected(request, c.number))
                for c in connectors
            ],
            "missing": actions.why_not_allowed(company),
            "expiring_without_worker": expiring if not workers_alive(now) else [],
        },
    )


@company_admin_required
@licence_required(Module.EXACT_ONLINE)
def connector_add(request: HttpRequest) -> HttpResponse:
    company = current.required_company(request)
    if actions.why_not_allowed(company):
        return redirect("connector-list")
    number = actions.next_free_number(company)
    form = ConnectorForm(
        request.POST or None,
        regions=region_choices(),
        number_locked=False,
        secret_set=False,
        initial={
            "number": number,
            "name": _("Exact Online"),
            "region": region_choices()[0][0],
            "callback_url": _expected(request, number),
        },
    )
    _follow_the_number(form, request, number)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connector = actions.create_connector(
                current.actor(request),
                company,
                number=data["number"],
                name=data["name"],
                region=data["region"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                callback_url=data["callback_url"],
            )
        except actions.ConnectorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Connector %(n)s saved.") % {"n": connector.number})
            return redirect("connector-detail", number=connector.number)
    return render(request, "connectors/detail.html", _screen(request, form, None, number))


def _screen(request: HttpRequest, form: ConnectorForm, connector: Connector | None, number: int) -> dict[str, Any]:
    expected = _expected(request, number)
    saved = connector.callback_url if connector else ""
    complete = bool(connector and connector.client_id and connector.has_client_secret and connector.callback_url)
    blocked = blocker(saved, expected) if complete else None
    return {
        "form": form,
        "connector": connector,
        "expected_callback": expected,
        "callback_difference": difference(saved, expected) if saved else None,
        "callback_problems": problems(saved) if saved else [],
        "can_authorize": complete and blocked is None,
        "oauth_blocked": blocked,
        "events": events_of(connector)[:30] if connector else [],
        "health": health(connector, clock.now()) if connector else None,
        "usage": _usage(connector) if connector else None,
    }


def _usage(connector: Connector) -> dict[str, Any]:
    now = clock.now()
    return {
        "token_calls_today": budgets.token_calls_today(connector, now),
        "token_call_limit": budgets.token_call_limit(),
        "errors_this_hour": ratelimits.errors_this_hour(connector, now),
        "error_limit": budgets.error_budget(),
    }


@company_admin_required
@licence_required(Module.EXACT_ONLINE)
def connector_detail(request: HttpRequest, number: int) -> HttpResponse:
    connector = _connector(request, number)
    form = ConnectorForm(
        request.POST or None,
        regions=region_choices(),
        number_locked=connector.was_authorized,
        secret_set=connector.has_client_secret,
        initial={
            "number": connector.number,
            "name": connector.name,
            "region": connector.region,
            "client_id": connector.client_id,
            "callback_url": connector.callback_url,
            "api_token": API_TOKEN_MASK if connector.has_api_token else "",
            "api_token_shown": connector.has_api_token,
        },
    )
    if connector.callback_url == _expected(request, connector.number):
        _follow_the_number(form, request, connector.number)
    else:
        _follow_the_number(form, request, -1)  # a Callback URL the user chose stays theirs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connector = actions.save_connector(
                current.actor(request),
                connector,
                number=data["number"],
                name=data["name"],
                region=data["region"],
                client_id=data["client_id"],
                client_secret=data["client_secret"] or None,
                callback_url=data["callback_url"],
                clear_api_token=data["api_token"] == "" and data["api_token_shown"],
            )
        except actions.ConnectorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Connector %(n)s saved.") % {"n": connector.number})
            return redirect("connector-detail", number=connector.number)
    return render(request, "connectors/detail.html", _screen(request, form, connector, connector.number))


@require_GET
@company_admin_required
def connector_status(request: HttpRequest, number: int) -> HttpResponse:
    connector = _connector(request, number)
    return render(
        request,
        "connectors/_status.html",
        {"connector": connector, "usage": _usage(connector), "health": health(connector, clock.now())},
    )


@require_GET
@company_admin_required
@licence_required(Module.EXACT_ONLINE)
def connector_authorize(request: HttpRequest, number: int) -> HttpResponse:
    connector = _connector(request, number)
    if request.GET.get("switch") == "1":  # asked on the result page: another administration may follow
        request.session[_switch_key(connector.number)] = True
    if not request.session.session_key:
        request.session.save()
    try:
        url = actions.start_authorization(
            current.actor(request),
            connector,
            request.session.session_key or "",
            expected_callback=_expected(request, connector.number),
        )
    except actions.ConnectorError as exc:
        return render(
            request,
            "connectors/oauth_result.html",
            {
                "ok": False,
                "title": _("Cannot start oAuth"),
                "detail": str(exc),
                "todo": _("Go back to the connector, complete the screen and save."),
                "connector_url": reverse("connector-detail", args=[connector.number]),
                "connector": connector,
            },
            status=400,
        )
    return _popup_page(redirect(url))


def _switch_key(number: object) -> str:
    return f"oauth-allow-switch-{number}"


def _popup_page(response: HttpResponse) -> HttpResponse:
    """Pages of the oAuth popup keep ``window.opener`` across Exact's pages so they can tell the screen."""
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """``/oauth.ashx?provider=<number>&code=…&state=…`` on the company's host (the seed's address)."""
    company = current.host_company(request)
    if company is None:
        return render(
            request,
            "connectors/oauth_result.html",
            {
                "ok": False,
                "title": _("Wrong address"),
                "detail": _("Exact sent its answer to an address that belongs to no company."),
                "todo": _(
                    "Register the Callback URL shown on the connector screen (with the company's alias) "
                    "in Exact's App Center, and press oAuth again."
                ),
            },
            status=400,
        )
    number = request.GET.get("provider", "")
    params = {key: request.GET.get(key, "") for key in ("code", "state", "error", "error_description")}
    try:
        connector = actions.complete_authorization(
            company,
            number,
            params,
            request.session.session_key or "",
            allow_switch=bool(request.session.pop(_switch_key(number), False)),
        )
    except actions.CallbackFailure as failure:
        return _popup_page(
            render(
                request,
                "connectors/oauth_result.html",
                {
                    "ok": False,
                    "title": failure.title,
                    "detail": failure.detail,
                    "todo": failure.todo,
                    **_way_back(company, number),
                    "switch_url": reverse("connector-authorize", args=[number]) + "?switch=1"
                    if failure.switch
                    else None,
                    "number": number,
                },
                status=failure.status,
            )
        )
    return _popup_page(
        render(
            request,
            "connectors/oauth_result.html",
            {
                "ok": True,
                "title": _("Connected"),
                "connector": connector,
                "detail": _("Connected to Exact Online as %(user)s, division %(division)s %(name)s.")
                % {"user": connector.exact_user_name, "division": connector.division, "name": connector.division_name},
                "connector_url": reverse("connector-detail", args=[connector.number]),
                "number": connector.number,
            },
        )
    )


def _way_back(company: Company, number: str) -> dict[str, str]:
    """Where the result page links back to: the connector when it exists, else the list (never a 404)."""
    provider = small_int(number)
    if provider is not None and Connector.objects.for_company(company).filter(number=provider).exists():
        return {"connector_url": reverse("connector-detail", args=[provider])}
    return {"connector_url": reverse("connector-list"), "back_text": _("Back to the connectors")}


@require_POST
@company_admin_required
@licence_required(Module.EXACT_ONLINE)
def connector_test(request: HttpRequest, number: int) -> HttpResponse:
    connector = _connector(request, number)
    result = actions.test_connection(current.actor(request), connector)
    (messages.success if result.ok else messages.error)(request, result.message.text())
    return redirect("connector-detail", number=number)


@require_POST
@company_admin_required
@licence_required(Module.EXACT_ONLINE)
def connector_division(request: HttpRequest, number: int) -> HttpResponse:
    connector = _connector(request, number)
    try:
        actions.choose_division(current.actor(request), connector, int(request.POST.get("division", "0")))
        messages.success(request, _("Division saved."))
    except (actions.ConnectorError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("connector-detail", number=number)
