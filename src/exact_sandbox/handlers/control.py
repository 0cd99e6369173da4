"""Control API handlers under /_sandbox/: reset, inspect, move the clock, set limits, latency and
token policy, inject faults, manage apps, divisions and periods.

JSON in, JSON out. Never rate-limited, never counted in the error budget, never delayed, never hit
by faults. `GET` routes change nothing. Money in answers is a string (an exact decimal), times are
ISO 8601 UTC. A request the sandbox refuses answers 400 `{"error": "…"}`.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Request, Response

from ..backend import AppError, Backend, app_json
from ..clock import MODES, parse_instant
from ..errors import ControlError
from ..faults import FaultError
from ..models import Division, Entry
from ..render import json_response
from ..seed import DEMO_USER
from . import Handler
from .pages import callback_url


def control(handler: Handler) -> Handler:
    """Refusals of a control handler become 400 `{"error": …}`, unknown things 404."""

    @functools.wraps(handler)
    def wrapped(backend: Backend, request: Request, **args: Any) -> Response:
        try:
            return handler(backend, request, **args)
        except LookupError as exc:
            return error(404, str(exc.args[0]) if exc.args else "not found")
        except (ControlError, ValueError, FaultError, AppError) as exc:
            return error(400, str(exc))

    return wrapped


def error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def body_of(request: Request) -> dict[str, Any]:
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise ControlError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


# -- state and time ----------------------------------------------------------------------------
@control
def reset(backend: Backend, request: Request) -> Response:
    body = body_of(request)
    backend.reset(clock=parse_instant(str(body["clock"])) if "clock" in body else None)
    return json_response({"reset": True, "now": backend.now().isoformat()})


@control
def state(backend: Backend, request: Request) -> Response:
    return json_response(backend.snapshot())


@control
def clock(backend: Backend, request: Request) -> Response:
    sandbox_clock = backend.clock
    if request.method == "POST":
        body = body_of(request)
        if "mode" in body:
            if body["mode"] not in MODES:
                raise ControlError(f"mode must be one of {MODES}")
            sandbox_clock.set_mode(body["mode"])
        if "set" in body:
            sandbox_clock.set(parse_instant(str(body["set"])))
        if "advance" in body:
            advance = body["advance"]
            if isinstance(advance, bool) or not isinstance(advance, int | Decimal):
                raise ControlError("advance must be a number of seconds")
            sandbox_clock.advance(float(advance))
        if not {"mode", "set", "advance"} & body.keys():
            raise ControlError('send {"advance": seconds}, {"set": "<iso8601>"} or {"mode": "frozen"|"running"}')
    return json_response({"now": sandbox_clock.now().isoformat(), "mode": sandbox_clock.mode})


# -- behaviour settings ------------------------------------------------------------------------
@control
def limits(backend: Backend, request: Request) -> Response:
    current = backend.set_limits(**body_of(request)) if request.method == "POST" else backend.limits
    return json_response(vars(current).copy())


@control
def latency(backend: Backend, request: Request) -> Response:
    if request.method == "POST":
        body = body_of(request)
        if "ms" not in body:
            raise ControlError('send {"ms": milliseconds, "jitter_ms": milliseconds} (0 turns latency off)')
        return json_response(backend.set_latency(body["ms"], body.get("jitter_ms", 0)).as_dict())
    return json_response(backend.latency.setting.as_dict())


@control
def token_policy(backend: Backend, request: Request) -> Response:
    if request.method == "POST":
        policy = body_of(request).get("policy")
        return json_response({"policy": backend.set_token_policy(str(policy))})
    return json_response({"policy": backend.token_policy()})


@control
def faults(backend: Backend, request: Request) -> Response:
    if request.method == "POST":
        return json_response(backend.faults.add(body_of(request)).describe(), 201)
    if request.method == "DELETE":
        backend.faults.clear()
        return json_response({"faults": []})
    return json_response({"faults": backend.faults.pending()})


# -- divisions and periods ---------------------------------------------------------------------
def _set_period(backend: Backend, request: Request, closed: bool) -> Response:
    body = body_of(request)
    try:
        year, period, division = int(body["year"]), int(body["period"]), int(body["division"])
    except (KeyError, TypeError, ValueError):
        raise ControlError('send {"division": n, "year": n, "period": n}') from None
    backend.set_period_closed(division, year, period, closed)
    return json_response({"division": division, "year": year, "period": period, "closed": closed})


@control
def close_period(backend: Backend, request: Request) -> Response:
    return _set_period(backend, request, True)


@control
def open_period(backend: Backend, request: Request) -> Response:
    return _set_period(backend, request, False)


@control
def divisions(backend: Backend, request: Request) -> Response:
    """Add a division with the seed's chart, VAT codes, journals and periods (benchmarks need many)."""
    body = body_of(request)
    code = int(body.get("code", 0))
    description = str(body.get("description") or f"Division {code}")
    users = [str(u) for u in body.get("users", [DEMO_USER])]
    added = backend.add_division(code, description, users)
    return json_response({"code": added.code, "description": added.description, "users": users}, 201)


@control
def entries(backend: Backend, request: Request, division: int) -> Response:
    found, posted = backend.entries_of(division)
    return json_response({"division": division, "entries": [entry_json(found, e) for e in posted]})


# -- apps and authorization --------------------------------------------------------------------
@control
def apps(backend: Backend, request: Request) -> Response:
    if request.method == "GET":
        return json_response({"apps": [app_json(a) for a in backend.list_apps()]})
    body = body_of(request)
    app = backend.register_app(str(body.get("name", "")), str(body.get("redirect_uri", "")), unique_name=False)
    return json_response(app_json(app, secrets=True), 201)


@control
def app(backend: Backend, request: Request, client_id: str) -> Response:
    if not backend.delete_app(client_id):
        return error(404, f"no app {client_id}")
    return Response(status=204)


@control
def authorize(backend: Backend, request: Request) -> Response:
    body = body_of(request)
    found = backend.get_app(str(body.get("client_id", "")))
    if found is None:
        return error(400, f"unknown client_id {body.get('client_id')!r}")
    redirect_uri = str(body.get("redirect_uri", found.redirect_uri))
    if redirect_uri != found.redirect_uri:
        return error(400, f"Callback URI '{redirect_uri}' is not valid")
    user = backend.get_user(str(body.get("user", "")))
    if user is None:
        return error(400, f"unknown user {body.get('user')!r}")
    code = backend.issue_code(found, redirect_uri, user)
    params = {"code": code}
    if body.get("state"):
        params["state"] = str(body["state"])
    return json_response({"code": code, "state": body.get("state"), "redirect_url": callback_url(redirect_uri, params)})


def entry_json(division: Division, entry: Entry) -> dict[str, Any]:
    def gl_code(gl_id: Any) -> str | None:
        account = division.gl_accounts.get(gl_id)
        return account.code if account else None

    return {
        "entry_id": str(entry.id),
        "kind": entry.kind,
        "journal_code": entry.journal_code,
        "entry_number": entry.entry_number,
        "financial_year": entry.year,
        "financial_period": entry.period,
        "entry_date": entry.entry_date.isoformat(),
        "created": entry.created.isoformat(),
        "type": entry.type,
        "status": entry.status,
        "customer": str(entry.relation) if entry.relation and entry.kind == "sales" else None,
        "supplier": str(entry.relation) if entry.relation and entry.kind == "purchase" else None,
        "your_ref": entry.your_ref,
        "description": entry.description,
        "lines": [
            {
                "line_number": line.line_number,
                "gl_account": str(line.gl_account),
                "gl_account_code": gl_code(line.gl_account),
                "amount_fc": str(line.amount_fc),
                "vat_code": line.vat_code,
                "vat_amount": str(line.vat_amount),
                "date": line.date.isoformat(),
                "description": line.description,
                "notes": line.notes,
            }
            for line in entry.lines
        ],
        "transaction_lines": [
            {
                "line_number": t.line_number,
                "line_type": t.line_type,
                "gl_account": str(t.gl_account),
                "gl_account_code": gl_code(t.gl_account),
                "amount": str(t.amount),
                "vat_code": t.vat_code,
                "vat_amount": str(t.vat_amount),
                "description": t.description,
                "account": str(t.account) if t.account else None,
            }
            for t in entry.transaction_lines
        ],
    }
