"""REST handlers under /api/v1: parse the path and query, call the backend, render OData.

Every call first goes through `Backend.admit` (bearer token, error-budget block, division access,
rate limit); then `Accept: application/json` is required (406 otherwise, except for `$count`, whose
answer is plain text); then the endpoint runs. Each admitted answer is counted against the error
budget (`Backend.record_answer`) and carries the six rate-limit headers.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from ..backend import Admission, Backend
from ..entities import DIVISION_SETS, ME, PAGE_SIZE, EntitySet, Nav
from ..errors import MethodNotAllowed, NotFound, SandboxError
from ..odata import ODataError, Query, format_literal, parse_literal, parse_query, run_query
from ..posting import ConversionError, ValidationError
from ..render import collection, empty, error_response, json_response, odata_error, render_row, single

COMPUTED_TOTALS = ("AmountDC", "AmountFC", "VATAmountDC", "VATAmountFC")
SELECT_REQUIRED = "Please add a $select or a $top=1 statement to the query string."
NOT_JSON = (
    "The Exact Online sandbox emulates only the JSON format of the REST API. Send the header "
    "'Accept: application/json' (Exact itself answers XML without it)."
)
_SEGMENT = re.compile(
    r"^(?P<service>[a-z]+)/(?P<set>[A-Za-z]+)(?:\((?P<key>[^)]*)\))?(?:/(?P<tail>\$count|[A-Za-z]+))?$"
)

Endpoint = Callable[[Admission], Response]


@dataclass(frozen=True)
class Target:
    """What a division path names: a set, maybe a key, maybe a navigation property or `$count`."""

    eset: EntitySet
    key: str | None
    tail: str | None


# -- entry points (see urls.ROUTES) ------------------------------------------------------------
def me(backend: Backend, request: Request) -> Response:
    def endpoint(admission: Admission) -> Response:
        row = backend.me_row(admission.user, admission.division)
        return json_response(collection([render_row(row, ME, base_url(request), "current")]))

    return _guarded(backend, request, "current", "current/Me", endpoint)


def division_call(backend: Backend, request: Request, division: str, rest: str) -> Response:
    match = _SEGMENT.match(rest)
    endpoint_name = f"{match.group('service')}/{match.group('set')}" if match else rest
    counting = match is not None and match.group("tail") == "$count"

    def endpoint(admission: Admission) -> Response:
        target = _target(request, match)
        return _dispatch(backend, request, admission, target)

    return _guarded(backend, request, division, endpoint_name, endpoint, plain_text=counting)


# -- the common steps --------------------------------------------------------------------------
def _guarded(
    backend: Backend, request: Request, scope: str, endpoint_name: str, endpoint: Endpoint, plain_text: bool = False
) -> Response:
    try:
        admission = backend.admit(_bearer(request), scope, endpoint_name)
    except SandboxError as exc:
        return error_response(exc)
    if not plain_text and not _wants_json(request):
        response = Response(NOT_JSON, status=406, content_type="text/plain; charset=utf-8")
    else:
        try:
            response = endpoint(admission)
        except ODataError as exc:
            response = odata_error(400, str(exc))
        except SandboxError as exc:
            response = error_response(exc)
    response.headers.extend(admission.headers)
    backend.record_answer(admission, response.status_code)
    return response


def _bearer(request: Request) -> str | None:
    authorization = request.headers.get("Authorization")
    if not authorization or authorization[:7].lower() != "bearer ":
        return None
    return authorization[7:].strip()


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("Accept", "")
    return any(part.split(";")[0].strip().lower() == "application/json" for part in accept.split(","))


def base_url(request: Request) -> str:
    return request.host_url.rstrip("/")


def _target(request: Request, match: re.Match[str] | None) -> Target:
    if match is None or (match.group("tail") not in (None, "$count") and match.group("key") is None):
        raise NotFound(f"Resource not found for the segment '{request.path}'.")
    eset = DIVISION_SETS.get(f"{match.group('service')}/{match.group('set')}")
    if eset is None:
        raise NotFound(f"Resource not found for the segment '{match.group('set')}'.")
    method = request.method.upper()
    if method not in eset.methods | {"HEAD"}:
        raise MethodNotAllowed(
            f"The method '{method}' is not allowed on '{eset.path}'.",
            headers={"Allow": ", ".join(sorted(eset.methods))},
        )
    return Target(eset, match.group("key"), match.group("tail"))


def _dispatch(backend: Backend, request: Request, admission: Admission, target: Target) -> Response:
    method = request.method.upper()
    if method == "POST":
        if target.key is not None or target.tail is not None:
            raise MethodNotAllowed("POST is only allowed on the entity set.")
        return _post(backend, request, admission, target.eset)
    if method == "DELETE":
        if target.key is None or target.tail is not None:
            raise MethodNotAllowed("DELETE needs an entity key.")
        backend.delete(admission.division, target.eset, _key_value(target.eset, target.key))
        return empty(204)
    return _get(backend, request, admission, target)


# -- GET ---------------------------------------------------------------------------------------
def _get(backend: Backend, request: Request, admission: Admission, target: Target) -> Response:
    eset, key, tail = target.eset, target.key, target.tail
    args = request.args.to_dict()
    scope = str(admission.division.code)
    rows = backend.rows(admission.division, admission.user, eset)
    if key is not None:
        wanted = _key_value(eset, key)
        found = next((row for row in rows if row[eset.key] == wanted), None)
        if found is None:
            raise NotFound(f"Not found: {eset.name}({key})")
        if tail is None:
            query = parse_query(args, eset.fields, eset.navs)
            return json_response(single(render_row(found, eset, base_url(request), scope, query.select, query.expand)))
        nav = found.get(tail)
        if not isinstance(nav, Nav):
            raise NotFound(f"Resource not found for the segment '{tail}'.")
        query = parse_query(args, nav.target.fields, nav.target.navs)
        return _collection(request, list(nav.rows), nav.target, scope, query, args)
    if tail == "$count":
        query = parse_query(args, eset.fields, eset.navs)
        query.top, query.skip = None, 0
        page = run_query(rows, query, eset.key, len(rows) + 1)
        return Response(str(page.total), content_type="text/plain; charset=utf-8")
    if eset.select_required and "$select" not in args and args.get("$top", "").strip() != "1":
        raise ODataError(SELECT_REQUIRED)
    query = parse_query(args, eset.fields, eset.navs)
    return _collection(request, rows, eset, scope, query, args)


def _collection(
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


# -- POST --------------------------------------------------------------------------------------
def _post(backend: Backend, request: Request, admission: Admission, eset: EntitySet) -> Response:
    if request.mimetype != "application/json":
        raise SandboxError("Content-Type must be application/json.", status=415)
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        raise SandboxError("Error processing request stream. The JSON in the request body is not valid.") from None
    if not isinstance(body, dict):
        raise SandboxError("Error processing request stream. A JSON object was expected.")
    try:
        row = backend.post(admission.division, admission.user, eset, body)
    except ConversionError as exc:
        raise SandboxError(str(exc)) from None
    except ValidationError as exc:
        raise SandboxError(exc.messages) from None
    invoice = eset.entry_kind in ("sales", "purchase")
    if invoice and "return=representation" not in request.headers.get("Prefer", "").replace(" ", "").lower():
        # Recorded Exact POSTs without the header came back with computed totals 0 / null (§3.1).
        row = {**row, **{name: 0 if name.startswith("Amount") else None for name in COMPUTED_TOTALS if name in row}}
    rendered = render_row(row, eset, base_url(request), str(admission.division.code))
    metadata = rendered["__metadata"]
    assert isinstance(metadata, dict)
    return json_response(single(rendered), 201, {"Location": str(metadata["uri"])})


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
