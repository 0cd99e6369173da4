"""The control API under /_sandbox/: reset, inspect, move the clock, set limits, inject faults.

JSON in, JSON out. Never rate-limited, never counted in the error budget, never hit by faults.
`GET` routes change nothing. Money in answers is a string (an exact decimal), times are ISO 8601 UTC.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .backend import AppError, Backend
from .clock import MODES, parse_instant
from .faults import FaultError
from .models import Entry
from .oauth import issue_code
from .pages import callback_url
from .responses import json_response
from .seed import DEMO_USER

RULES = Map(
    [
        Rule("/_sandbox/reset", endpoint="reset", methods=["POST"]),
        Rule("/_sandbox/state", endpoint="state", methods=["GET"]),
        Rule("/_sandbox/clock", endpoint="clock", methods=["GET", "POST"]),
        Rule("/_sandbox/limits", endpoint="limits", methods=["GET", "POST"]),
        Rule("/_sandbox/faults", endpoint="faults", methods=["GET", "POST", "DELETE"]),
        Rule("/_sandbox/periods/close", endpoint="close_period", methods=["POST"]),
        Rule("/_sandbox/periods/open", endpoint="open_period", methods=["POST"]),
        Rule("/_sandbox/apps", endpoint="apps", methods=["GET", "POST"]),
        Rule("/_sandbox/apps/<client_id>", endpoint="app", methods=["DELETE"]),
        Rule("/_sandbox/authorize", endpoint="authorize", methods=["POST"]),
        Rule("/_sandbox/entries/<int:division>", endpoint="entries", methods=["GET"]),
        Rule("/_sandbox/divisions", endpoint="divisions", methods=["POST"]),
    ],
    strict_slashes=False,
)


class BadRequest(ValueError):
    pass


def _body(request: Request) -> dict[str, Any]:
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def _app_json(app: Any, secrets: bool = False) -> dict[str, Any]:
    data = {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uri": app.redirect_uri,
        "created": app.created.isoformat(),
    }
    if secrets:
        data.update(client_secret=app.client_secret, webhook_secret=app.webhook_secret)
    return data


def entry_json(backend: Backend, division_code: int, entry: Entry) -> dict[str, Any]:
    division = backend.divisions[division_code]

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
        "customer": str(entry.customer) if entry.customer else None,
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


class ControlApi:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def dispatch(self, request: Request) -> Response:
        adapter = RULES.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            return _error(404, f"no control route {request.path}")
        except MethodNotAllowed as exc:
            return _error(405, f"{request.method} is not allowed on {request.path}; use {exc.valid_methods}")
        except HTTPException as exc:  # e.g. a redirect for a trailing slash
            return _error(exc.code or 400, exc.description or "bad request")
        handler = getattr(self, f"do_{endpoint}")
        try:
            return handler(request, **args)
        except (BadRequest, ValueError, FaultError, AppError) as exc:
            return _error(400, str(exc))

    def do_reset(self, request: Request) -> Response:
        body = _body(request)
        self.backend.reset()
        if "clock" in body:
            self.backend.clock.set(parse_instant(str(body["clock"])))
        return json_response({"reset": True, "now": self.backend.now().isoformat()})

    def do_state(self, request: Request) -> Response:
        b = self.backend
        with b.lock:
            now = b.now()
            divisions = []
            for division in b.divisions.values():
                entries = list(division.entries.values())
                divisions.append(
                    {
                        "code": division.code,
                        "description": division.description,
                        "entries": {
                            "general": sum(e.kind == "general" for e in entries),
                            "sales": sum(e.kind == "sales" for e in entries),
                        },
                        "transaction_lines": sum(len(e.transaction_lines) for e in entries),
                        "closed_periods": [
                            f"{y}/{p}" for (y, p), period in sorted(division.periods.items()) if period.closed
                        ],
                    }
                )
            state = {
                "now": now.isoformat(),
                "clock_mode": b.clock.mode,
                "limits": vars(b.limits).copy(),
                "apps": [_app_json(app) for app in b.apps.values()],
                "users": [
                    {"username": u.username, "divisions": u.divisions, "current_division": u.current_division}
                    for u in b.users.values()
                ],
                "divisions": divisions,
                "tokens": {
                    **b.token_stats.as_dict(),
                    "active_authorizations": sum(c.revoked_reason is None for c in b.chains.values()),
                    "calls_today": [
                        {"client_id": k[0], "user": k[1], "calls": n}
                        for k, n in b.token_calls.items()
                        if k[2] == now.date()
                    ],
                },
                "rate_limits": b.rate_limiter.snapshot(now),
                "error_budget": b.error_budget.snapshot(now),
                "faults": b.faults.pending(),
            }
        return json_response(state)

    def do_clock(self, request: Request) -> Response:
        clock = self.backend.clock
        if request.method == "POST":
            body = _body(request)
            if "mode" in body:
                if body["mode"] not in MODES:
                    raise BadRequest(f"mode must be one of {MODES}")
                clock.set_mode(body["mode"])
            if "set" in body:
                clock.set(parse_instant(str(body["set"])))
            if "advance" in body:
                advance = body["advance"]
                if isinstance(advance, bool) or not isinstance(advance, int | Decimal):
                    raise BadRequest("advance must be a number of seconds")
                clock.advance(float(advance))
            if not {"mode", "set", "advance"} & body.keys():
                raise BadRequest('send {"advance": seconds}, {"set": "<iso8601>"} or {"mode": "frozen"|"running"}')
        return json_response({"now": clock.now().isoformat(), "mode": clock.mode})

    def do_limits(self, request: Request) -> Response:
        limits = self.backend.set_limits(**_body(request)) if request.method == "POST" else self.backend.limits
        return json_response(vars(limits).copy())

    def do_faults(self, request: Request) -> Response:
        if request.method == "POST":
            fault = self.backend.faults.add(_body(request))
            return json_response(fault.describe(), 201)
        if request.method == "DELETE":
            self.backend.faults.clear()
            return json_response({"faults": []})
        return json_response({"faults": self.backend.faults.pending()})

    def _period(self, request: Request, closed: bool) -> Response:
        body = _body(request)
        try:
            key = (int(body["year"]), int(body["period"]))
            division_code = int(body["division"])
        except (KeyError, TypeError, ValueError):
            raise BadRequest('send {"division": n, "year": n, "period": n}') from None
        with self.backend.lock:
            division = self.backend.division(division_code)
            if division is None or key not in division.periods:
                return _error(404, f"no period {key[0]}/{key[1]} in division {division_code}")
            division.periods[key].closed = closed
        return json_response({"division": division_code, "year": key[0], "period": key[1], "closed": closed})

    def do_close_period(self, request: Request) -> Response:
        return self._period(request, True)

    def do_open_period(self, request: Request) -> Response:
        return self._period(request, False)

    def do_apps(self, request: Request) -> Response:
        if request.method == "GET":
            with self.backend.lock:
                return json_response({"apps": [_app_json(a) for a in self.backend.apps.values()]})
        body = _body(request)
        app = self.backend.register_app(str(body.get("name", "")), str(body.get("redirect_uri", "")), unique_name=False)
        return json_response(_app_json(app, secrets=True), 201)

    def do_app(self, request: Request, client_id: str) -> Response:
        if not self.backend.delete_app(client_id):
            return _error(404, f"no app {client_id}")
        return Response(status=204)

    def do_authorize(self, request: Request) -> Response:
        body = _body(request)
        app = self.backend.get_app(str(body.get("client_id", "")))
        if app is None:
            return _error(400, f"unknown client_id {body.get('client_id')!r}")
        redirect_uri = str(body.get("redirect_uri", app.redirect_uri))
        if redirect_uri != app.redirect_uri:
            return _error(400, f"Callback URI '{redirect_uri}' is not valid")
        user = self.backend.get_user(str(body.get("user", "")))
        if user is None:
            return _error(400, f"unknown user {body.get('user')!r}")
        code = issue_code(self.backend, app, redirect_uri, user)
        params = {"code": code}
        if body.get("state"):
            params["state"] = str(body["state"])
        return json_response(
            {"code": code, "state": body.get("state"), "redirect_url": callback_url(redirect_uri, params)}
        )

    def do_divisions(self, request: Request) -> Response:
        """Add a division with the seed's chart, VAT codes, journals and periods (benchmarks need many)."""
        body = _body(request)
        code = int(body.get("code", 0))
        description = str(body.get("description") or f"Division {code}")
        users = [str(u) for u in body.get("users", [DEMO_USER])]
        added = self.backend.add_division(code, description, users)
        return json_response({"code": added.code, "description": added.description, "users": users}, 201)

    def do_entries(self, request: Request, division: int) -> Response:
        with self.backend.lock:
            found = self.backend.division(division)
            if found is None:
                return _error(404, f"no division {division}")
            entries = sorted(found.entries.values(), key=lambda e: (e.created, e.entry_number))
            return json_response(
                {"division": division, "entries": [entry_json(self.backend, division, e) for e in entries]}
            )
