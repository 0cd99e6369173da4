"""URL routing of the sandbox: one Werkzeug map, endpoint names resolved by `app.SandboxApp`."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

REST_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "MERGE"]

URL_MAP = Map(
    [
        Rule("/", endpoint="index", methods=["GET"]),
        Rule("/appcenter", endpoint="appcenter", methods=["GET"]),
        Rule("/appcenter/apps", endpoint="appcenter_register", methods=["POST"]),
        Rule("/appcenter/apps/<client_id>/delete", endpoint="appcenter_delete", methods=["POST"]),
        Rule("/api/oauth2/auth", endpoint="authorize", methods=["GET", "POST"]),
        Rule("/api/oauth2/token", endpoint="token", methods=["POST"]),
        Rule("/api/v1/current/Me", endpoint="me", methods=REST_METHODS),
        Rule("/api/v1/<division>/<path:rest>", endpoint="division", methods=REST_METHODS),
    ],
    strict_slashes=False,
    merge_slashes=False,
)

CONTROL_PREFIX = "/_sandbox/"
