"""Extra → Webhooks (company admins): endpoints, their secret shown once, a test event, the delivery log, Replay."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledgerlink.tenancy import current
from ledgerlink.web.access import company_admin_required
from ledgerlink.webhooks import actions, guard
from ledgerlink.webhooks.choices import EventType
from ledgerlink.webhooks.forms import EndpointForm
from ledgerlink.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

LOG_SIZE = 50


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # a page may carry a secret shown once
    return response


def _endpoint(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    company = current.required_company(request)
    return get_object_or_404(WebhookEndpoint.objects.for_company(company), pk=endpoint_id)


@company_admin_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    """The company's endpoints; POST adds one and shows its secret on this answer only."""
    company = current.required_company(request)
    form = EndpointForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.create_endpoint(
                company,
                form.cleaned_data["url"],
                form.cleaned_data["description"],
                form.cleaned_data["events"],
                form.cleaned_data["enabled"],
            )
        except guard.AddressRefused as exc:
            form.add_error("url", f"{exc.message.text()} {exc.message.fix()}".strip())
        else:
            form = EndpointForm()
    endpoints = WebhookEndpoint.objects.for_company(company).order_by("id")
    return _no_store(render(request, "webhooks/list.html", {"form": form, "endpoints": endpoints, "created": created}))


@company_admin_required
def endpoint_detail(request: HttpRequest, endpoint_id: int, secret: str | None = None) -> HttpResponse:
    """One endpoint: its settings (POST saves them), Send test event, the secret, and the delivery log."""
    endpoint = _endpoint(request, endpoint_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "enabled": endpoint.enabled,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_endpoint(
                endpoint,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                events=form.cleaned_data["events"],
                enabled=form.cleaned_data["enabled"],
            )
        except guard.AddressRefused as exc:
            form.add_error("url", f"{exc.message.text()} {exc.message.fix()}".strip())
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("webhook-detail", endpoint.pk)
    deliveries = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-started_at", "-id")))
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
    return _no_store(
        render(
            request,
            "webhooks/detail.html",
            {
                "endpoint": endpoint,
                "form": form,
                "deliveries": deliveries,
                "secret": secret,
                "event_labels": dict(EventType.choices),
            },
        )
    )


@company_admin_required
@require_POST
def endpoint_send_test(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    actions.send_test(endpoint)
    messages.success(request, _("A test event is on its way; the delivery log below shows what the receiver said."))
    return redirect("webhook-detail", endpoint.pk)


@company_admin_required
@require_POST
def endpoint_rotate_secret(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    secret = actions.rotate_secret(endpoint)
    request.method = "GET"  # show the page with the new secret, once
    return endpoint_detail(request, endpoint_id, secret=secret)


@company_admin_required
@require_POST
def endpoint_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    url = endpoint.url
    actions.delete_endpoint(endpoint)
    messages.success(request, _("Webhook endpoint %(url)s deleted.") % {"url": url})
    return redirect("webhook-list")


@company_admin_required
@require_POST
def delivery_replay(request: HttpRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_id)
    actions.replay(delivery)
    messages.success(request, _("The event is sent again."))
    return redirect("webhook-detail", endpoint.pk)
