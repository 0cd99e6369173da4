"""Sending one HTTP request through an httpx transport and turning httpx's failures into our transport errors.

The one judgement made here is ``outcome_unknown``: for a write, a failure before the request
could have left this machine (connect error, connect or pool timeout) is a known "not done";
anything later (read timeout, connection dropped mid-answer) may have been carried out by Exact.
"""

from __future__ import annotations

import httpx

from .errors import WRITE_METHODS, ConnectionFailed, Timeout, TransportError

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def send(transport: httpx.BaseTransport, request: httpx.Request, *, request_id: str | None = None) -> httpx.Response:
    """Send and read the whole answer; raise :class:`Timeout`/:class:`ConnectionFailed` on failure."""
    write = request.method.upper() in WRITE_METHODS
    try:
        response = transport.handle_request(request)
        response.request = request
        try:
            response.read()
        finally:
            response.close()  # read() closes it when the body came whole; a failed read leaves it to us
        return response
    except httpx.TimeoutException as exc:
        unknown = write and not isinstance(exc, _NOT_SENT)
        raise Timeout(
            f"{type(exc).__name__} on {request.method} {request.url.path}",
            outcome_unknown=unknown,
            request_id=request_id,
        ) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        unknown = write and not isinstance(exc, _NOT_SENT)
        raise ConnectionFailed(
            f"{type(exc).__name__} on {request.method} {request.url.path}",
            outcome_unknown=unknown,
            request_id=request_id,
        ) from exc
    except httpx.RequestError as exc:  # anything else httpx can raise once the request may be out
        raise TransportError(
            f"{type(exc).__name__} on {request.method} {request.url.path}",
            outcome_unknown=write,
            request_id=request_id,
        ) from exc
