"""Gunicorn's access log without secrets, and gunicorn's answers without its name.

Query strings can carry secrets: Exact's one-time ``code`` and our ``state`` on the oAuth callback
(``/oauth.ashx``), and the login hand-off ``ticket`` (``/login/handoff``); the pages those lead to repeat
them in the ``Referer`` header. Their values are replaced by ``[redacted]`` in every field of a log line,
whatever the path, so a new page with such a parameter is covered too.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger
from gunicorn.http import wsgi

SECRET_PARAMETERS = ("code", "state", "ticket")
REDACTED = "[redacted]"
_SECRET = re.compile(r"(^|[?&;])(" + "|".join(SECRET_PARAMETERS) + r")=[^&;#\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``/oauth.ashx?provider=1&code=abc`` → ``/oauth.ashx?provider=1&code=[redacted]``."""
    return _SECRET.sub(lambda match: f"{match.group(1)}{match.group(2)}={REDACTED}", text)


class RedactingLogger(Logger):
    """Gunicorn's logger whose access-log fields (request line, query, referer, headers) are redacted."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


_original_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: Any) -> list[str]:
    return [line for line in _original_default_headers(self) if not line.lower().startswith("server:")]


def drop_server_header() -> None:
    """Gunicorn names itself (``Server: gunicorn``) in every answer; a banner only helps an attacker."""
    wsgi.Response.default_headers = _default_headers_without_server
