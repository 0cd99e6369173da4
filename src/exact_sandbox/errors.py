"""What an operation of the backend raises when it refuses; handlers turn these into answers.

An operation never builds an HTTP response: it returns data or raises one of these, with the status,
the message(s) and any headers Exact sends with that refusal. `render.error_response` renders them.
"""

from __future__ import annotations

from collections.abc import Mapping


class SandboxError(Exception):
    """A REST refusal: an OData error body (messages joined by CR LF) with `status` and `headers`."""

    status = 400

    def __init__(
        self, messages: str | list[str], *, status: int | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\r\n".join(self.messages))
        if status is not None:
            self.status = status
        self.headers: dict[str, str] = dict(headers or {})


class NotFound(SandboxError):
    status = 404


class Forbidden(SandboxError):
    status = 403


class MethodNotAllowed(SandboxError):
    status = 405


class Unauthorized(SandboxError):
    status = 401


class RateLimited(SandboxError):
    """429: Exact answers it with an empty body and only the exhausted window's headers (§4.3)."""

    status = 429

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__("rate limit", headers=headers)


class OAuthError(Exception):
    """A token-endpoint refusal: `status`, the OAuth `error` code, its description, and headers."""

    def __init__(
        self, status: int, error: str, description: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.status = status
        self.error = error
        self.description = description
        self.headers: dict[str, str] = dict(headers or {})


class ControlError(ValueError):
    """A control-API request the sandbox refuses (answered 400 with `{"error": …}`)."""
