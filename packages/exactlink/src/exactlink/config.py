"""Connection settings for one Exact Online site (region), as a frozen value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

import httpx

REGIONS: dict[str, str] = {
    "nl": "https://start.exactonline.nl",
    "be": "https://start.exactonline.be",
    "de": "https://start.exactonline.de",
    "fr": "https://start.exactonline.fr",
    "es": "https://start.exactonline.es",
    "uk": "https://start.exactonline.co.uk",
    "us": "https://start.exactonline.com",
}

__version__ = "0.1.0"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExactConfig:
    """Where Exact lives and how to talk to it.

    An account lives on exactly one regional site; tokens from one site are useless on another.
    ``base_url`` overrides the region (a local sandbox, a recording proxy). ``transport`` replaces
    httpx's network transport (``httpx.MockTransport`` in tests). ``clock`` returns aware UTC time
    and is what token expiry and rate-limit waits are computed against.
    """

    region: str = "nl"
    base_url: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    user_agent: str = f"exactlink-python/{__version__}"
    transport: httpx.BaseTransport | None = field(default=None, compare=False)
    clock: Callable[[], datetime] = field(default=utc_now, compare=False)

    def __post_init__(self) -> None:
        if self.base_url is None and self.region not in REGIONS:
            raise ValueError(f"unknown Exact region {self.region!r}; one of {', '.join(REGIONS)}")
        if self.base_url is not None and not self.base_url.startswith(("https://", "http://")):
            raise ValueError("base_url must be an http(s) URL")

    @property
    def root(self) -> str:
        """The site's origin, without a trailing slash."""
        return (self.base_url or REGIONS[self.region]).rstrip("/")

    @property
    def api_root(self) -> str:
        return f"{self.root}/api/v1"

    @property
    def auth_url(self) -> str:
        return f"{self.root}/api/oauth2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.root}/api/oauth2/token"

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout, connect=self.connect_timeout)

    def make_transport(self) -> httpx.BaseTransport:
        """What both clients send through: the configured transport, or httpx's own over the network."""
        return self.transport if self.transport is not None else httpx.HTTPTransport()

    def request(
        self,
        method: str,
        url: httpx.URL | str,
        headers: Mapping[str, str],
        *,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        """One request to Exact, with this configuration's timeouts and headers, for a transport to send.

        Built here rather than by ``httpx.Client``: its cookie jar, auth and redirect machinery ran for every
        call and is none of what Exact needs (no cookies, a bearer token we set, no redirects followed); it
        was a twelfth of a posted journal's instructions (issue 13, docs/adr/0029).
        """
        return httpx.Request(
            method,
            url,
            content=content,
            data=data,
            headers={**self._headers, **headers},
            extensions={"timeout": self._timeouts},
        )

    @cached_property
    def _headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", "Connection": "keep-alive"}

    @cached_property
    def _timeouts(self) -> dict[str, float | None]:
        return self.httpx_timeout().as_dict()
