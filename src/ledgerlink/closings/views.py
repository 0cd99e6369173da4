"""Closings pages: the list with missing days, one closing with its journals, the form to enter or correct one by
hand (which asks to map a payment method that has no account), and the closing mapping."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgerlink.closings import messages as m
from ledgerlink.closings.actions import (
    ClosingConflict,
    ClosingInvalid,
    ClosingNotCorrectable,
    correct_closing,
    receive,
)
from ledgerlink.closings.days import WINDOW_DAYS, Terminal, missing_per_terminal
from ledgerlink.closings.intake import MAX_ITEMS
from ledgerlink.closings.mapping import ACCOUNTS, map_method, mapping_of, save_mapping
from ledgerlink.closings.models import Closing, ClosingJournal
from ledgerlink.connectors.models import Connector
from ledgerlink.core.problems import Problem
from ledgerlink.journals import exact_data
from ledgerlink.journals.models import JournalLine
from ledgerlink.tenancy import current
from ledgerlink.web.access import company_admin_required, signed_in

RATES = ("21", "9", "0", "exempt")
HOURS = range(24)
ACCOUNT_LABELS = {
    "fallback_method": gettext_lazy("Fallback account for other payment methods"),
    "gift_cards_sold": gettext_lazy("Gift cards sold (liability)"),
    "deposits": gettext_lazy("Deposits received"),
    "till_expenses": gettext_lazy("Till expenses"),
    "safe": gettext_lazy("Cash to the safe"),
    "bank": gettext_lazy("Cash to the bank"),
    "cash_difference": gettext_lazy("Cash difference"),
    "rounding": gettext_lazy("Cash rounding"),
}


def _closings(request: HttpRequest) -> Any:
    return Closing.objects.for_company(current.required_company(request)).select_related("connector", "journal")


def _today(request: HttpRequest) -> Any:
    return timezone.localdate()


@signed_in
def closing_list(request: HttpRequest) -> HttpResponse:
    today = _today(request)
    since = today - timedelta(days=WINDOW_DAYS + 7 * 8)
    closings = _closings(request).filter(date__gte=since).order_by("-date", "store", "terminal")
    rows = [(Terminal(c.connector.number, c.store, c.terminal), c.date) for c in closings]
    missing = missing_per_terminal(rows, until=today - timedelta(days=1))
    recent = [c for c in closings if c.date > today - timedelta(days=WINDOW_DAYS)]
    connectors = Connector.objects.for_company(current.required_company(request)).order_by("number")
    return render(
        request,
        "closings/list.html",
        {
            "closings": recent,
            "missing": sorted(missing.items(), key=lambda i: (i[0].store, i[0].terminal)),
            "connectors": connectors,
            "window": WINDOW_DAYS,
        },
    )


@signed_in
def closing_detail(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closings(request).filter(pk=closing_id).first()
    if closing is None:
        raise Http404
    links = ClosingJournal.objects.filter(closing=closing).select_related("journal").order_by("revision", "id")
    lines = JournalLine.objects.filter(journal=closing.journal).order_by("line_no")
    return render(
        request, "closings/detail.html", {"closing": closing, "links": links, "lines": lines, "c": closing.content}
    )


# --- the form ------------------------------------------------------------------------------------------------


# Rows of a list the form shows: at least this many, and always one empty row more than the closing has.
ROWS = {"payments": 6, "deposits": 2, "till_expenses": 2, "transfers": 2}
RATE_LISTS = ("sales", "returns", "discounts")
ROW_FIELDS = {
    "payments": ("method", "amount"),
    "deposits": ("amount", "description"),
    "till_expenses": ("amount", "description"),
    "transfers": ("to", "amount"),
}


def _padded(items: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    empty = dict.fromkeys(ROW_FIELDS[name], "")
    rows = [{**empty, **{k: str(v) for k, v in item.items()}} for item in items]
    return rows + [dict(empty) for _ in range(max(ROWS[name] - len(rows), 1))]


def _form_values(content: dict[str, Any] | None) -> dict[str, Any]:
    """What the form shows for a stored closing (or an empty one): every field of the API's body."""
    content = content or {}
    by_rate = {name: {i["vat_rate"]: i["amount"] for i in content.get(name, [])} for name in RATE_LISTS}
    rates = list(RATES) + sorted({rate for amounts in by_rate.values() for rate in amounts} - set(RATES))
    cash = content.get("cash") or {}
    values: dict[str, Any] = {
        "connector": content.get("connector", ""),
        "store": content.get("store", ""),
        "terminal": content.get("terminal", ""),
        "date": content.get("date", ""),
        "including_vat": content.get("including_vat", True),
        "rates": [(rate, *(by_rate[name].get(rate, "") for name in RATE_LISTS)) for rate in rates],
        "gift_cards_sold": content.get("gift_cards_sold", ""),
        "cash_expected": cash.get("expected", ""),
        "cash_counted": cash.get("counted", ""),
        "rounding": content.get("rounding", ""),
    }
    values.update({name: _padded(list(content.get(name, [])), name) for name in ROWS})
    return values


def _posted_rows(post: Any, name: str) -> list[dict[str, str]]:
    prefix = {"payments": "", "deposits": "deposit_", "till_expenses": "expense_", "transfers": "transfer_"}[name]
    count = int(post["rows_" + name]) if post.get("rows_" + name, "").isdigit() else ROWS[name]
    rows = [
        {field: post.get(f"{prefix}{field}_{i}", "").strip() for field in ROW_FIELDS[name]}
        for i in range(min(count, MAX_ITEMS))
    ]
    return [row for row in rows if any(value for field, value in row.items() if field != "to")]


def _posted_values(post: Any) -> dict[str, Any]:
    rates = [rate for rate in post.getlist("rate") if rate] or list(RATES)
    values: dict[str, Any] = {
        "connector": post.get("connector", ""),
        "store": post.get("store", ""),
        "terminal": post.get("terminal", ""),
        "date": post.get("date", ""),
        "including_vat": post.get("including_vat") == "on",
        "rates": [(rate, *(post.get(f"{name}_{rate}", "").strip() for name in RATE_LISTS)) for rate in rates],
        "gift_cards_sold": post.get("gift_cards_sold", "").strip(),
        "cash_expected": post.get("cash_expected", "").strip(),
        "cash_counted": post.get("cash_counted", "").strip(),
        "rounding": post.get("rounding", "").strip(),
    }
    values.update({name: _padded(_posted_rows(post, name), name) for name in ROWS})
    return values


def _body(values: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    """The closing the form describes, as the API's body (what a later version of the body adds and the form
    does not show stays as the stored closing had it)."""
    body: dict[str, Any] = {key: value for key, value in (base or {}).items()}
    body.update(
        {
            "connector": values["connector"],
            "store": values["store"],
            "terminal": values["terminal"],
            "date": values["date"],
            "including_vat": values["including_vat"],
            "gift_cards_sold": values["gift_cards_sold"],
            "rounding": values["rounding"],
        }
    )
    for i, name in enumerate(RATE_LISTS, start=1):
        body[name] = [{"vat_rate": row[0], "amount": row[i]} for row in values["rates"] if row[i]]
    for name in ROWS:
        body[name] = [dict(row) for row in values[name] if any(v for k, v in row.items() if k != "to")]
    if values["cash_expected"] or values["cash_counted"]:
        body["cash"] = {"expected": values["cash_expected"], "counted": values["cash_counted"]}
    else:
        body.pop("cash", None)
    return body


def _accounts(connector: Connector | None) -> list[tuple[str, str]]:
    if connector is None:
        return []
    exact = exact_data.load(connector)
    return [(code, f"{code} {a['description']}") for code, a in sorted(exact.gl.items()) if not a["blocked"]]


@company_admin_required
def closing_form(request: HttpRequest, closing_id: int | None = None) -> HttpResponse:
    company = current.required_company(request)
    closing = None
    if closing_id is not None:
        closing = _closings(request).filter(pk=closing_id).first()
        if closing is None:
            raise Http404
    connectors = Connector.objects.for_company(company).order_by("number")
    problems: list[Problem] = []
    unmapped: list[str] = []
    if request.method == "POST":
        values = _posted_values(request.POST)
        connector = (
            connectors.filter(number=values["connector"]).first() if str(values["connector"]).isdigit() else None
        )
        mapped = [(key[4:], str(value)) for key, value in request.POST.items() if key.startswith("map_") and value]
        for method, gl in mapped:
            if connector is not None:
                map_method(current.actor(request), connector, method, gl)
        body = _body(values, closing.content if closing else None)
        try:
            if closing is None:
                received = receive(company, body)
                if not received.created:
                    messages.info(request, _("This closing was received before; nothing changed."))
            else:
                received = correct_closing(closing, body, current.actor(request))
            if received.created:
                messages.success(request, _("Closing saved; its day journal is queued for Exact."))
            return redirect("closing-detail", closing_id=received.closing.pk)
        except ClosingInvalid as exc:
            problems = exc.problems
            unmapped = [str(p.message.params.get("method")) for p in problems if p.message.code == m.METHOD_UNMAPPED]
        except ClosingConflict as exc:
            messages.error(request, _("This day has a closing already: correct it here."))
            return redirect("closing-correct", closing_id=exc.closing.pk)
        except ClosingNotCorrectable as exc:
            messages.error(request, exc.message.text())
    else:
        values = _form_values(closing.content if closing else None)
        if closing is None:
            values["date"] = (_today(request) - timedelta(days=1)).isoformat()
            first = connectors.first()
            values["connector"] = first.number if first is not None else ""
    connector = connectors.filter(number=values["connector"]).first() if str(values["connector"]).isdigit() else None
    return render(
        request,
        "closings/form.html",
        {
            "closing": closing,
            "values": values,
            "connectors": connectors,
            "problems": problems,
            "unmapped": unmapped,
            "accounts": _accounts(connector) if unmapped else [],
        },
    )


# --- the closing mapping ---------------------------------------------------------------------------------------


@company_admin_required
def mapping_edit(request: HttpRequest, number: int) -> HttpResponse:
    connector = (
        Connector.objects.for_company(current.required_company(request))
        .select_related("company")
        .filter(number=number)
        .first()
    )
    if connector is None:
        raise Http404
    mapping = mapping_of(connector)
    exact = exact_data.load(connector)
    if request.method == "POST":
        post = request.POST
        rates: dict[str, dict[str, str]] = {}
        for i in range(len(mapping.rates) + 2):
            rate = post.get(f"rate_{i}", "").strip()
            if rate:
                rates[rate] = {"gl": post.get(f"rate_gl_{i}", ""), "vat_code": post.get(f"rate_vat_{i}", "")}
        methods: dict[str, str] = {}
        for i in range(len(mapping.methods) + 2):
            method = post.get(f"method_{i}", "").strip()
            if method:
                methods[method] = post.get(f"method_gl_{i}", "")
        values: dict[str, Any] = {"rates": rates, "methods": methods}
        values.update({name: post.get(name, "") for name in ACCOUNTS})
        hour = post.get("missing_day_hour", "").strip()
        if hour and not (hour.isdigit() and int(hour) in HOURS):
            messages.error(request, _("Choose an hour from the list, or no check."))
            return redirect("closing-mapping", number=number)
        values["missing_day_hour"] = int(hour) if hour else None
        save_mapping(current.actor(request), connector, values)
        messages.success(request, _("Closing mapping saved."))
        return redirect("closing-mapping", number=number)
    accounts = [(code, f"{code} {a['description']}") for code, a in sorted(exact.gl.items()) if not a["blocked"]]
    vat_codes = [(code, f"{code} {v['description']}") for code, v in sorted(exact.vat.items()) if not v["blocked"]]
    rate_rows = [(rate, t.get("gl", ""), t.get("vat_code", "")) for rate, t in mapping.rates.items()]
    method_rows = list(mapping.methods.items())
    return render(
        request,
        "closings/mapping.html",
        {
            "connector": connector,
            "exact": exact,
            "accounts": accounts,
            "vat_codes": vat_codes,
            "rates": rate_rows + [("", "", "")] * 2,
            "methods": method_rows + [("", "")] * 2,
            "others": [(name, ACCOUNT_LABELS[name], getattr(mapping, name)) for name in ACCOUNTS],
            "hours": [(hour, f"{hour:02d}:00") for hour in HOURS],
            "missing_day_hour": mapping.missing_day_hour,
        },
    )
