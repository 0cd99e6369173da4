"""The REST API under /api/v1: bearer auth, division access, error budget, rate limits, then OData.

Order of checks for every call (FIDELITY.md explains the choices):
1. bearer token (401 with WWW-Authenticate);   2. error-budget block of app+user+division+endpoint;
3. division access (403);   4. rate limit (429, empty body);   5. Accept: application/json (406);
6. the endpoint itself. Answers 400/401/403/404 are recorded in the error budget.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from .backend import Backend
from .entities import (
    DIVISION_SETS,
    DIVISIONS,
    ME,
    PAGE_SIZE,
    EntitySet,
    Nav,
    division_rows_for,
    entry_row,
    me_row,
)
from .models import Division, User
from .oauth import authenticate_bearer
from .odata import ODataError, Query, format_literal, parse_literal, parse_query, run_query
from .posting import (
    ConversionError,
    ValidationError,
    delete_entry,
    post_general_journal_entry,
    post_sales_entry,
)
from .responses import collection, empty, json_response, odata_error, render_row, single

COMPUTED_TOTALS = ("AmountDC", "AmountFC", "VATAmountDC", "VATAmountFC")
ENTRY_SETS = frozenset(
    {"GeneralJournalEntries", "GeneralJournalEntryLines", "SalesEntries", "SalesEntryLines", "TransactionLines"}
)
Handler = Callable[[Request, Division, User], Response]
SELECT_REQUIRED = "Please add a $select or a $top=1 statement to the query string."
NOT_JSON = (
    "The Exact Online sandbox emulates only the JSON format of the REST API. Send the header "
    "'Accept: application/json' (Exact itself answers XML without it)."
)
_SEGMENT = re.compile(
    r"^(?P<service>[a-z]+)/(?P<set>[A-Za-z]+)(?:\((?P<key>[^)]*)\))?(?:/(?P<tail>\$count|[A-Za-z]+))?$"
)


def base_url(request: Request) -> str:
    return request.host_url.rstrip("/")


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("Accept", "")
    return any(part.split(";")[0].strip().lower() == "application/json" for part in accept.split(","))


class RestApi:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._cache: dict[tuple[int, str], tuple[int, list[dict[str, object]]]] = {}
        self._cache_generation = backend.generation

    # -- entry points ----------------------------------------------------------------------------
    def me(self, request: Request) -> Response:
        return self._guarded(request, "current", "current/Me", self._me)

    def division_call(self, request: Request, division: str, rest: str) -> Response:
        match = _SEGMENT.match(rest)
        endpoint = f"{match.group('service')}/{match.group('set')}" if match else rest
        return self._guarded(request, division, endpoint, lambda r, d, u: self._division(r, d, u, match))

    # -- the common checks ---------------------------------------------------------------------
    def _guarded(self, request: Request, scope: str, endpoint: str, handler: Handler) -> Response:
        backend = self.backend
        auth = authenticate_bearer(backend, request.headers.get("Authorization"))
        now = backend.now()
        if not auth.ok:
            with backend.lock:
                if auth.chain is not None:
                    backend.error_budget.record((auth.chain.client_id, auth.chain.username, scope, endpoint), 401, now)
            return odata_error(401, auth.reason or "Unauthorized", {"WWW-Authenticate": auth.www_authenticate()})
        assert auth.chain is not None and auth.user is not None
        client_id, user = auth.chain.client_id, auth.user
        budget_key = (client_id, user.username, scope, endpoint)
        with backend.lock:
            division_code = user.current_division if scope == "current" else _division_number(scope)
            rate_key = (client_id, division_code if division_code is not None else -1)
            until = backend.error_budget.blocked_until(budget_key, now)
            if until is not None:
                return odata_error(
                    403,
                    (
                        f"The app is blocked for endpoint '{endpoint}' until {until.isoformat()} because it made more "
                        f"than {backend.limits.errors_per_hour} failing calls (400, 401, 403, 404) within an hour."
                    ),
                    backend.rate_limiter.headers(rate_key, now),
                )
            division = backend.division(division_code) if division_code is not None else None
            if division is None or division.code not in user.divisions:
                backend.error_budget.record(budget_key, 403, now)
                headers = backend.rate_limiter.headers(rate_key, now) if division_code is not None else {}
                return odata_error(403, f"Forbidden: user {user.username} has no access to division {scope}.", headers)
            decision = backend.rate_limiter.take(rate_key, now)
        if not decision.allowed:
            return empty(429, decision.headers)
        if not _wants_json(request):
            response = Response(NOT_JSON, status=406, content_type="text/plain; charset=utf-8")
        else:
            try:
                response = handler(request, division, user)
            except ODataError as exc:
                response = odata_error(400, str(exc))
        response.headers.extend(decision.headers)
        with backend.lock:
            backend.error_budget.record(budget_key, response.status_code, now)
        return response

    # -- handlers ------------------------------------------------------------------------------
    def _me(self, request: Request, division: Division, user: User) -> Response:
        with self.backend.lock:
            row = me_row(user, division, self.backend.now())
        rendered = render_row(row, ME, base_url(request), "current")
        return json_response(collection([rendered]))

    def _division(self, request: Request, division: Division, user: User, match: re.Match[str] | None) -> Response:
        if match is None or (match.group("tail") not in (None, "$count") and match.group("key") is None):
            return odata_error(404, f"Resource not found for the segment '{request.path}'.")
        eset = DIVISION_SETS.get(f"{match.group('service')}/{match.group('set')}")
        if eset is None:
            return odata_error(404, f"Resource not found for the segment '{match.group('set')}'.")
        method = request.method.upper()
        allowed = eset.methods | {"HEAD"}
        if method not in allowed:
            return odata_error(
                405,
                f"The method '{method}' is not allowed on '{eset.path}'.",
                {"Allow": ", ".join(sorted(eset.methods))},
            )
        key, tail = match.group("key"), match.group("tail")
        if method == "POST":
            if key is not None or tail is not None:
                return odata_error(405, "POST is only allowed on the entity set.")
            return self._post(request, division, user, eset)
        if method == "DELETE":
            if key is None or tail is not None:
                return odata_error(405, "DELETE needs an entity key.")
            return self._delete(request, division, eset, key)
        return self._get(request, division, user, eset, key, tail)

    def _rows(self, division: Division, user: User, eset: EntitySet) -> list[dict[str, object]]:
        """Typed rows of a set. Rows of a division's sets depend only on its data, so they are cached
        until the division changes (`Division.version`); callers must not mutate them."""
        with self.backend.lock:
            if eset is DIVISIONS:
                divisions = [self.backend.divisions[c] for c in user.divisions if c in self.backend.divisions]
                return division_rows_for(divisions, user)
            assert eset.build is not None
            if self._cache_generation != self.backend.generation:
                self._cache.clear()
                self._cache_generation = self.backend.generation
            key = (division.code, eset.name)
            version = division.version if eset.name in ENTRY_SETS else 0  # reference data never changes
            cached = self._cache.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
            rows = eset.build(division, user, self.backend.now())
            self._cache[key] = (version, rows)
            return rows

    def _get(
        self, request: Request, division: Division, user: User, eset: EntitySet, key: str | None, tail: str | None
    ) -> Response:
        args = request.args.to_dict()
        scope = str(division.code)
        rows = self._rows(division, user, eset)
        if key is not None:
            wanted = _key_value(eset, key)
            found = next((row for row in rows if row[eset.key] == wanted), None)
            if found is None:
                return odata_error(404, f"Not found: {eset.name}({key})")
            if tail is None:
                query = parse_query(args, eset.fields, eset.navs)
                return json_response(
                    single(render_row(found, eset, base_url(request), scope, query.select, query.expand))
                )
            nav = found.get(tail)
            if not isinstance(nav, Nav):
                return odata_error(404, f"Resource not found for the segment '{tail}'.")
            query = parse_query(args, nav.target.fields, nav.target.navs)
            return self._collection(request, list(nav.rows), nav.target, scope, query, args)
        if tail == "$count":
            query = parse_query(args, eset.fields, eset.navs)
            query.top, query.skip = None, 0
            page = run_query(rows, query, eset.key, len(rows) + 1)
            return Response(str(page.total), content_type="text/plain; charset=utf-8")
        if eset.select_required and "$select" not in args and args.get("$top", "").strip() != "1":
            return odata_error(400, SELECT_REQUIRED)
        query = parse_query(args, eset.fields, eset.navs)
        return self._collection(request, rows, eset, scope, query, args)

    def _collection(
        self,
        request: Request,
        rows: list[dict[str, object]],
        eset: EntitySet,
        scope: str,
        query: Query,
        args: dict[str, str],
    ) -> Response:
        page = run_query(rows, query, eset.key, PAGE_SIZE)
        base = base_url(request)
        rendered = [render_row(row, eset, base, scope, query.select, query.expand) for row in page.rows]
        next_url = None
        if page.next_token is not None:
            params = {k: v for k, v in args.items() if k not in ("$skiptoken", "$skip")}
            if page.next_top is not None:
                params["$top"] = str(page.next_top)
            params["$skiptoken"] = ",".join(format_literal(v) for v in page.next_token)
            encoded = "&".join(f"{quote(k, safe='$')}={quote(v, safe=chr(39) + '$,():-')}" for k, v in params.items())
            next_url = f"{base}{request.path}?{encoded}"
        return json_response(collection(rendered, next_url, page.total if query.inlinecount else None))

    def _post(self, request: Request, division: Division, user: User, eset: EntitySet) -> Response:
        if request.mimetype != "application/json":
            return odata_error(415, "Content-Type must be application/json.")
        try:
            body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
        except ValueError:
            return odata_error(400, "Error processing request stream. The JSON in the request body is not valid.")
        if not isinstance(body, dict):
            return odata_error(400, "Error processing request stream. A JSON object was expected.")
        post = post_general_journal_entry if eset.name == "GeneralJournalEntries" else post_sales_entry
        with self.backend.lock:
            try:
                entry = post(division, user, body, self.backend.now())
            except ConversionError as exc:
                return odata_error(400, str(exc))
            except ValidationError as exc:
                return odata_error(400, exc.messages)
            row = entry_row(division, entry)
        if "return=representation" not in request.headers.get("Prefer", "").replace(" ", "").lower():
            # Recorded Exact POSTs without the header came back with computed totals 0 / null (§3.1).
            row = {**row, **{name: 0 if name.startswith("Amount") else None for name in COMPUTED_TOTALS if name in row}}
        rendered = render_row(row, eset, base_url(request), str(division.code))
        return json_response(single(rendered), 201, {"Location": rendered["__metadata"]["uri"]})  # type: ignore[index]

    def _delete(self, request: Request, division: Division, eset: EntitySet, key: str) -> Response:
        wanted = _key_value(eset, key)
        kind = "general" if eset.name == "GeneralJournalEntries" else "sales"
        with self.backend.lock:
            try:
                removed = delete_entry(division, kind, wanted) if isinstance(wanted, uuid.UUID) else None
            except ValidationError as exc:
                return odata_error(400, exc.messages)
        if removed is None:
            return odata_error(404, f"Not found: {eset.name}({key})")
        return empty(204)


def _division_number(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def _key_value(eset: EntitySet, key: str) -> object:
    try:
        value = parse_literal(key)
    except ODataError:
        raise ODataError(f"Bad key: '{key}'.") from None
    if eset.key == "Code":
        if not isinstance(value, int):
            raise ODataError(f"Bad key: '{key}' (an Edm.Int32 is expected).")
        return value
    if not isinstance(value, uuid.UUID):
        raise ODataError(f"Bad key: '{key}' (guid'…' is expected).")
    return value
