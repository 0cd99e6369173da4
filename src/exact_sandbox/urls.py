"""The route table: every path the sandbox answers, its methods, its handler and its family.

The family says how the app treats a route: ``page`` (HTML; faults apply), ``api`` (Exact's REST
and token endpoints; latency and faults apply, errors are OData), ``control`` (the `/_sandbox/` API;
never delayed, never faulted, errors are `{"error": …}`).
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import Map, Rule

from .handlers import Handler, control, oauth, pages, rest

REST_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "MERGE")
CONTROL_PREFIX = "/_sandbox/"
FAMILIES = ("page", "api", "control")


@dataclass(frozen=True)
class Route:
    path: str
    methods: tuple[str, ...]
    handler: Handler
    family: str = "page"


ROUTES: tuple[Route, ...] = (
    # the App Center and the OAuth consent pages
    Route("/", ("GET",), pages.index),
    Route("/appcenter", ("GET",), pages.appcenter),
    Route("/appcenter/apps", ("POST",), pages.appcenter_register),
    Route("/appcenter/apps/<client_id>/delete", ("POST",), pages.appcenter_delete),
    Route("/api/oauth2/auth", ("GET", "POST"), pages.authorize),
    # Exact's API
    Route("/api/oauth2/token", ("POST",), oauth.token, "api"),
    Route("/api/v1/current/Me", REST_METHODS, rest.me, "api"),
    Route("/api/v1/<division>/<path:rest>", REST_METHODS, rest.division_call, "api"),
    # the control API
    Route("/_sandbox/reset", ("POST",), control.reset, "control"),
    Route("/_sandbox/state", ("GET",), control.state, "control"),
    Route("/_sandbox/clock", ("GET", "POST"), control.clock, "control"),
    Route("/_sandbox/limits", ("GET", "POST"), control.limits, "control"),
    Route("/_sandbox/latency", ("GET", "POST"), control.latency, "control"),
    Route("/_sandbox/token-policy", ("GET", "POST"), control.token_policy, "control"),
    Route("/_sandbox/faults", ("GET", "POST", "DELETE"), control.faults, "control"),
    Route("/_sandbox/periods/close", ("POST",), control.close_period, "control"),
    Route("/_sandbox/periods/open", ("POST",), control.open_period, "control"),
    Route("/_sandbox/apps", ("GET", "POST"), control.apps, "control"),
    Route("/_sandbox/apps/<client_id>", ("DELETE",), control.app, "control"),
    Route("/_sandbox/authorize", ("POST",), control.authorize, "control"),
    Route("/_sandbox/entries/<int:division>", ("GET",), control.entries, "control"),
    Route("/_sandbox/divisions", ("POST",), control.divisions, "control"),
)

URL_MAP = Map(
    [Rule(route.path, endpoint=str(index), methods=list(route.methods)) for index, route in enumerate(ROUTES)],
    strict_slashes=False,
    merge_slashes=False,
)


def family_of(path: str) -> str:
    """The family of a path that matched no route (for the error it gets)."""
    if path.startswith(CONTROL_PREFIX):
        return "control"
    return "api" if path.startswith("/api/") else "page"
