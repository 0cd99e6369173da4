"""Rendering: OData v2 JSON verbose envelopes, entity metadata, errors, OAuth answers. No rules here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from werkzeug.wrappers import Response

from .entities import EntitySet, Nav
from .errors import OAuthError, RateLimited, SandboxError
from .formats import wire_value

JSON_TYPE = "application/json; charset=utf-8"


def dumps(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def json_response(payload: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(payload), status=status, headers=dict(headers or {}), content_type=JSON_TYPE)


def error_body(messages: str | Iterable[str]) -> dict[str, object]:
    text = messages if isinstance(messages, str) else "\r\n".join(messages)
    return {"error": {"code": "", "message": {"lang": "", "value": text}}}


def odata_error(status: int, messages: str | Iterable[str], headers: Mapping[str, str] | None = None) -> Response:
    return json_response(error_body(messages), status, headers)


def empty(status: int, headers: Mapping[str, str] | None = None) -> Response:
    response = Response(b"", status=status, headers=dict(headers or {}))
    response.headers.pop("Content-Type", None)
    return response


def entity_uri(base_url: str, scope: str, eset: EntitySet, key_value: object) -> str:
    if eset.service == "current":  # current/Me has no division segment
        return f"{base_url}/api/v1/{eset.path}({eset.key_literal(key_value)})"
    return f"{base_url}/api/v1/{scope}/{eset.path}({eset.key_literal(key_value)})"


def render_row(
    row: Mapping[str, object],
    eset: EntitySet,
    base_url: str,
    scope: str,
    select: list[str] | None = None,
    expand: Iterable[str] = (),
) -> dict[str, object]:
    """One entity as Exact writes it: `__metadata` first, then the properties (all, or the selected)."""
    uri = entity_uri(base_url, scope, eset, row[eset.key])
    out: dict[str, object] = {"__metadata": {"uri": uri, "type": eset.type_name}}
    expanded = set(expand)
    names = select if select is not None else list(row.keys())
    for name in names:
        value = row.get(name)
        if isinstance(value, Nav):
            if name in expanded:
                out[name] = {"results": [render_row(child, value.target, base_url, scope) for child in value.rows]}
            else:
                out[name] = {"__deferred": {"uri": f"{uri}/{name}"}}
        else:
            out[name] = wire_value(value)
    return out


def collection(
    rendered: list[dict[str, object]], next_url: str | None = None, count: int | None = None
) -> dict[str, object]:
    body: dict[str, object] = {"results": rendered}
    if count is not None:
        body["__count"] = str(count)
    if next_url is not None:
        body["__next"] = next_url
    return {"d": body}


def single(rendered: dict[str, object]) -> dict[str, object]:
    return {"d": rendered}


def error_response(exc: SandboxError) -> Response:
    """A refusal as Exact sends it: an OData error body, except the 429 (empty body, §4.3)."""
    if isinstance(exc, RateLimited):
        return empty(429, exc.headers)
    return odata_error(exc.status, exc.messages, exc.headers)


# -- the token endpoint ------------------------------------------------------------------------
OAUTH_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "Pragma": "no-cache"}


def token_response(access_token: str, refresh_token: str, expires_in: int) -> Response:
    """200 with exactly Exact's four fields; `expires_in` is a string (§2.5)."""
    payload = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": str(expires_in),
        "refresh_token": refresh_token,
    }
    return Response(json.dumps(payload, separators=(",", ":")), status=200, headers=OAUTH_HEADERS)


def oauth_error_response(exc: OAuthError) -> Response:
    if exc.error == "invalid_grant":
        # The spacing is Exact's own (picqer#471): a space after "{" and before "}".
        body = '{ "error":"invalid_grant","error_description":"' + (exc.description or "") + '" }'
        headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
    else:
        payload = {"error": exc.error}
        if exc.description is not None:
            payload["error_description"] = exc.description
        body = json.dumps(payload, separators=(",", ":"))
        headers = dict(OAUTH_HEADERS)
    return Response(body, status=exc.status, headers={**headers, **exc.headers})
