"""The client: one request loop, one paginator.

Every REST call goes through :meth:`ExactClient.request`, which in this order

1. asks the rate-limit governor for a slot (waiting only if a window is spent, and never longer than
   ``max_wait``; refusing outright if the endpoint's error budget is spent or the wait is longer),
2. asks the token provider for a bearer token,
3. sends the request and logs one structured line (never a token),
4. feeds the rate-limit headers, and any answer Exact counts as an error, back to the governor (a 401
   tagged with its token's fingerprint, so one rotated-out token counts once however many send it),
5. classifies the answer (:func:`exactlink.errors.classify`) and either returns it, sends it again
   (429 after the wait; 401 once with a newer token; a GET per the retry policy) or raises.

Only the loop does I/O; the decisions (classify, the governor's arithmetic, the retry policy) are
plain functions and objects, so an async twin of this loop would reuse all of them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import httpx

from .config import ExactConfig
from .errors import AccessTokenExpired, ApiError, EndpointBlocked, ExactError, RateLimited, TransportError, classify
from .oauth import TokenProvider
from .ratelimit import Governor
from .retry import RetryPolicy
from .transport import send
from .values import PLAIN, Envelope, FieldSpec, convert_entity, dumps, loads, unwrap

if TYPE_CHECKING:
    from .resources import Division, Me

log = logging.getLogger("exactlink.http")

JSON_HEADERS = {"Accept": "application/json"}
WRITE_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Prefer": "return=representation",
}


BUDGET_STATUSES = frozenset({400, 401, 403, 404})  # the answers Exact counts against the error budget
_ENTITY_SET = re.compile(r"^(?:\d+/)?([^/(]+/[^/(]+)")


def entity_set_of(path: str) -> str:
    """``7001/financial/GLAccounts(guid'…')`` → ``financial/GLAccounts``: what Exact calls an endpoint."""
    m = _ENTITY_SET.match(path)
    return m.group(1) if m else path


def token_tag(token: str) -> str:
    """A short fingerprint of a token: enough to tell two apart, never enough to use one."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@lru_cache(maxsize=1024)
def _parsed(url: str) -> httpx.URL:
    """A URL parsed by httpx (its objects are immutable, so one may serve every request to the same URL)."""
    return httpx.URL(url)


class ExactClient:
    """A synchronous Exact Online REST client for one app.

    ``client_id`` identifies the app for the rate-limit governor (Exact counts per app and
    division); it is not sent anywhere. ``sleep`` is used for rate-limit waits and retry backoff;
    ``max_wait`` is the longest single sleep the caller allows (a worker's round, a person waiting):
    a longer wait raises :class:`~exactlink.errors.RateLimited` with ``retry_at`` instead.
    ``error_budget`` is how many failing answers per endpoint and hour the default governor allows.
    """

    def __init__(
        self,
        config: ExactConfig,
        token_provider: TokenProvider,
        *,
        client_id: str = "app",
        governor: Governor | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        max_rate_limit_waits: int = 2,
        max_wait: float = 65.0,
        error_budget: int | None = 10,
    ):
        self.config = config
        self.tokens = token_provider
        self.client_id = client_id
        self.sleep: Callable[[float], None] = sleep or time.sleep
        self.max_wait = max_wait
        self.governor = governor or Governor(
            clock=config.clock, sleep=self.sleep, max_wait=max_wait, error_budget=error_budget
        )
        self.retry = retry or RetryPolicy()
        self.max_rate_limit_waits = max_rate_limit_waits
        self._transport = config.make_transport()
        self._api_root = config.api_root
        self._divisions: dict[int, Division] = {}

    # --- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ExactClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str, division: int | None) -> str:
        """Absolute URL for ``service/EntitySet`` under a division (or ``current/Me`` without)."""
        if division is None:
            return f"{self._api_root}/{path}"
        return f"{self._api_root}/{int(division)}/{path}"

    def request(
        self,
        method: str,
        url: str,
        *,
        division: int | None,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send with rate limiting, auth renewal and retries; return a successful answer or raise."""
        method = method.upper()
        if not url.startswith(self.config.root + "/"):
            # A __next link (or a caller) pointing elsewhere would get our bearer token.
            raise ExactError(f"refusing to send a token outside {self.config.root}")
        headers = WRITE_HEADERS if content is not None else JSON_HEADERS
        key = Governor.key(self.client_id, division)
        target = _parsed(url)  # parsed once, for every attempt (and kept: a worker posts to one URL per division)
        if params is not None:
            target = target.copy_merge_params(params)
        endpoint = target.path.removeprefix("/api/v1/")
        budget_endpoint = entity_set_of(endpoint)
        attempt = 0
        waits_429 = 0
        renewed = False
        fresh_token: str | None = None
        while True:
            attempt += 1
            reserved = self.governor.before_call(key, budget_endpoint)
            token = fresh_token or self.tokens.access_token()
            fresh_token = None
            request = self.config.request(
                method, target, {**headers, "Authorization": f"Bearer {token}"}, content=content
            )
            request_id = uuid.uuid4().hex[:16]
            started = time.perf_counter()
            try:
                response = send(self._transport, request, request_id=request_id)
            except TransportError as exc:
                self._log(request_id, method, division, endpoint, None, started, attempt, exc)
                if self._may_retry(method, exc, attempt):
                    continue
                raise
            status = response.status_code
            error = classify(status, response.content, response.headers, method=method, request_id=request_id)
            self._log(request_id, method, division, endpoint, status, started, attempt, error)
            if status == 429:
                self.governor.record_429(key, response.headers)
                waits_429 += 1
                if waits_429 <= self.max_rate_limit_waits:
                    attempt -= 1
                    continue  # the governor waits for the reset before the next attempt
                assert isinstance(error, RateLimited)
                raise error
            self.governor.record(key, response.headers, reserved)
            if error is None:
                return response
            if isinstance(error, EndpointBlocked):
                self.governor.record_block(key, budget_endpoint)
            elif status in BUDGET_STATUSES:
                self.governor.record_error(key, budget_endpoint, token_tag(token) if status == 401 else "")
            if isinstance(error, AccessTokenExpired) and not renewed:
                renewed = True
                self.tokens.on_access_token_rejected(token, error)
                fresh_token = self.tokens.access_token()
                if fresh_token != token:
                    attempt -= 1
                    continue  # Exact refused the token, so the request was not carried out
            if self._may_retry(method, error, attempt):
                continue
            raise error

    def _may_retry(self, method: str, error: ExactError, attempt: int) -> bool:
        """Sleep the policy's backoff and say yes, if the policy retries and the wait fits ``max_wait``."""
        if not self.retry.should_retry(method, error, attempt):
            return False
        seconds = self.retry.backoff(attempt)
        if seconds > self.max_wait:
            return False
        self.sleep(seconds)
        return True

    def _log(
        self,
        request_id: str,
        method: str,
        division: int | None,
        endpoint: str,
        status: int | None,
        started: float,
        attempt: int,
        error: ExactError | None,
    ) -> None:
        fields = {
            "exact_request_id": request_id,
            "method": method,
            "division": division,
            "endpoint": endpoint,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "attempt": attempt,
            "error": type(error).__name__ if error is not None else None,
        }
        if error is None:
            if log.isEnabledFor(logging.INFO):
                log.info("exact %s %s %s", method, endpoint, status, extra=fields)
        else:
            log.warning("exact %s %s %s %s", method, endpoint, status, fields["error"], extra=fields)

    # --- JSON and paging -------------------------------------------------------------------

    def _json(self, response: httpx.Response) -> Any:
        try:
            return loads(response.content)
        except ValueError:
            raise ApiError("Exact answered with something that is not JSON", status=response.status_code) from None

    def get_envelope(self, url: str, *, division: int | None, params: Mapping[str, str] | None = None) -> Envelope:
        response = self.request("GET", url, division=division, params=params)
        return self._unwrap(response)

    def _unwrap(self, response: httpx.Response) -> Envelope:
        try:
            return unwrap(self._json(response))
        except ValueError as exc:
            raise ApiError(str(exc), status=response.status_code) from None

    def iter_entities(
        self,
        path: str,
        *,
        division: int | None,
        params: Mapping[str, str] | None = None,
        spec: FieldSpec = PLAIN,
    ) -> Iterator[dict[str, Any]]:
        """Every entity of a collection, page by page, following ``__next`` exactly as given."""
        url: str | None = self.url(path, division)
        page_params = params
        while url is not None:
            envelope = self.get_envelope(url, division=division, params=page_params)
            for raw in envelope.entities:
                yield convert_entity(raw, spec)
            url = envelope.next_url
            page_params = None  # __next already carries the whole query

    def post(
        self,
        path: str,
        body: Mapping[str, Any],
        *,
        division: int | None,
        guid_fields: frozenset[str] = frozenset(),
        spec: FieldSpec = PLAIN,
    ) -> dict[str, Any]:
        content = dumps(body, guid_fields=guid_fields)
        response = self.request("POST", self.url(path, division), division=division, content=content)
        if not response.content:
            return {}
        envelope = self._unwrap(response)
        return convert_entity(envelope.entities[0], spec) if envelope.entities else {}

    def delete(self, url: str, *, division: int | None) -> None:
        self.request("DELETE", url, division=division)

    # --- entry points ----------------------------------------------------------------------

    def me(self) -> Me:
        """``current/Me``: who the token belongs to and which division is current."""
        from .resources import ME_SPEC

        for entity in self.iter_entities("current/Me", division=None, spec=ME_SPEC):
            return cast("Me", entity)
        raise ApiError("current/Me returned no user", status=200)

    def division(self, code: int) -> Division:
        """The resources of division ``code``, made once per client (they hold nothing but the client and the
        code: a worker posts each journal through them)."""
        code = int(code)
        found = self._divisions.get(code)
        if found is None:
            from .resources import Division

            found = self._divisions[code] = Division(self, code)
        return found
