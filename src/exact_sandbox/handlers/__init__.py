"""Request handlers: each parses a request, calls one backend operation, and renders the outcome.

`Handler` is the signature of every one of them; `urls.ROUTES` maps paths to them.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from ..backend import Backend

Handler = Callable[..., Response]  # (backend, request, **path arguments) -> Response

__all__ = ["Backend", "Handler", "Request", "Response"]
